<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>DashboardCharts</name>
    <message>
        <location filename="../charts.py" line="80"/>
        <location filename="../charts.py" line="89"/>
        <source>受理量</source>
        <translation>Volume</translation>
    </message>
    <message>
        <location filename="../charts.py" line="86"/>
        <source>每小时受理量</source>
        <translation>Volume per hour</translation>
    </message>
    <message>
        <location filename="../charts.py" line="87"/>
        <source>每日受理量</source>
        <translation>Volume per day</translation>
    </message>
    <message>
        <location filename="../charts.py" line="91"/>
        <source>接通量</source>
        <translation>Answered</translation>
    </message>
    <message>
        <location filename="../charts.py" line="104"/>
        <location filename="../charts.py" line="184"/>
        <source>件</source>
        <translation>Requests</translation>
    </message>
    <message>
        <location filename="../charts.py" line="117"/>
        <source>等待时长</source>
        <translation>Waiting time</translation>
    </message>
    <message>
        <location filename="../charts.py" line="125"/>
        <source>中位数</source>
        <translation>Median</translation>
    </message>
    <message>
        <location filename="../charts.py" line="126"/>
        <source>P90</source>
        <translation>P90</translation>
    </message>
    <message>
        <location filename="../charts.py" line="141"/>
        <source>秒</source>
        <translation>Seconds</translation>
    </message>
    <message>
        <location filename="../charts.py" line="159"/>
        <source>好差评分布</source>
        <translation>Ratings</translation>
    </message>
    <message>
        <location filename="../charts.py" line="166"/>
        <source>评价数</source>
        <translation>Ratings</translation>
    </message>
    <message>
        <location filename="../charts.py" line="174"/>
        <source>非常不满意</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <location filename="../charts.py" line="175"/>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <location filename="../charts.py" line="176"/>
        <source>基本满意</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <location filename="../charts.py" line="177"/>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <location filename="../charts.py" line="178"/>
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
</context>
<context>
    <name>DashboardWidget</name>
    <message>
        <location filename="../widget.py" line="85"/>
        <source>空闲</source>
        <translation>Available</translation>
    </message>
    <message>
        <location filename="../widget.py" line="86"/>
        <source>振铃</source>
        <translation>Ringing</translation>
    </message>
    <message>
        <location filename="../widget.py" line="87"/>
        <location filename="../widget.py" line="107"/>
        <source>通话中</source>
        <translation>In call</translation>
    </message>
    <message>
        <location filename="../widget.py" line="88"/>
        <source>整理</source>
        <translation>Wrap-up</translation>
    </message>
    <message>
        <location filename="../widget.py" line="89"/>
        <source>离开</source>
        <translation>Away</translation>
    </message>
    <message>
        <location filename="../widget.py" line="90"/>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../widget.py" line="96"/>
        <source>普通</source>
        <translation>Normal</translation>
    </message>
    <message>
        <location filename="../widget.py" line="97"/>
        <source>优先</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../widget.py" line="98"/>
        <source>预约</source>
        <translation>Appointment</translation>
    </message>
    <message>
        <location filename="../widget.py" line="104"/>
        <source>等待中</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../widget.py" line="105"/>
        <source>暂离保留</source>
        <translation>Held (away)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="106"/>
        <source>振铃中</source>
        <translation>Ringing</translation>
    </message>
    <message>
        <location filename="../widget.py" line="113"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../widget.py" line="114"/>
        <source>昨天</source>
        <translation>Yesterday</translation>
    </message>
    <message>
        <location filename="../widget.py" line="115"/>
        <source>最近7天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <location filename="../widget.py" line="116"/>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <location filename="../widget.py" line="117"/>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
    <message>
        <location filename="../widget.py" line="123"/>
        <location filename="../widget.py" line="338"/>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../widget.py" line="124"/>
        <source>站点</source>
        <translation>Site</translation>
    </message>
    <message>
        <location filename="../widget.py" line="125"/>
        <location filename="../widget.py" line="342"/>
        <source>人员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../widget.py" line="132"/>
        <location filename="../widget.py" line="543"/>
        <source>受理量</source>
        <translation>Volume</translation>
    </message>
    <message>
        <location filename="../widget.py" line="133"/>
        <source>接通量</source>
        <translation>Answered</translation>
    </message>
    <message>
        <location filename="../widget.py" line="134"/>
        <source>放弃量</source>
        <translation>Abandoned</translation>
    </message>
    <message>
        <location filename="../widget.py" line="135"/>
        <source>放弃率</source>
        <translation>Abandonment rate</translation>
    </message>
    <message>
        <location filename="../widget.py" line="136"/>
        <source>等待中位数(秒)</source>
        <translation>Wait median (s)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="137"/>
        <source>等待P90(秒)</source>
        <translation>Wait P90 (s)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="138"/>
        <source>平均办理(秒)</source>
        <translation>Handle mean (s)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="139"/>
        <source>办理中位数(秒)</source>
        <translation>Handle median (s)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="140"/>
        <source>服务水平</source>
        <translation>Service level</translation>
    </message>
    <message>
        <location filename="../widget.py" line="141"/>
        <location filename="../widget.py" line="547"/>
        <source>一次办成率</source>
        <translation>First-time success</translation>
    </message>
    <message>
        <location filename="../widget.py" line="142"/>
        <source>评价数</source>
        <translation>Ratings</translation>
    </message>
    <message>
        <location filename="../widget.py" line="143"/>
        <source>平均评分</source>
        <translation>Mean rating</translation>
    </message>
    <message>
        <location filename="../widget.py" line="144"/>
        <source>差评率</source>
        <translation>Poor ratings</translation>
    </message>
    <message>
        <location filename="../widget.py" line="145"/>
        <source>非常不满意</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <location filename="../widget.py" line="146"/>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <location filename="../widget.py" line="147"/>
        <source>基本满意</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <location filename="../widget.py" line="148"/>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <location filename="../widget.py" line="149"/>
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <location filename="../widget.py" line="150"/>
        <location filename="../widget.py" line="549"/>
        <source>办不成事</source>
        <translation>Could not be done</translation>
    </message>
    <message>
        <location filename="../widget.py" line="326"/>
        <source>统计期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <location filename="../widget.py" line="329"/>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../widget.py" line="330"/>
        <source>分组</source>
        <translation>Group by</translation>
    </message>
    <message>
        <location filename="../widget.py" line="333"/>
        <source>服务水平阈值</source>
        <translation>Service level within</translation>
    </message>
    <message>
        <location filename="../widget.py" line="334"/>
        <source> 秒</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../widget.py" line="335"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../widget.py" line="336"/>
        <location filename="../widget.py" line="579"/>
        <source>导出CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <location filename="../widget.py" line="338"/>
        <source>站点/终端</source>
        <translation>Site / kiosk</translation>
    </message>
    <message>
        <location filename="../widget.py" line="338"/>
        <source>已等待</source>
        <translation>Waited</translation>
    </message>
    <message>
        <location filename="../widget.py" line="338"/>
        <source>优先级</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../widget.py" line="339"/>
        <location filename="../widget.py" line="342"/>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <location filename="../widget.py" line="342"/>
        <source>持续</source>
        <translation>For</translation>
    </message>
    <message>
        <location filename="../widget.py" line="342"/>
        <source>当前事项</source>
        <translation>Current item</translation>
    </message>
    <message>
        <location filename="../widget.py" line="344"/>
        <source>指标明细</source>
        <translation>Figures</translation>
    </message>
    <message>
        <location filename="../widget.py" line="345"/>
        <source>图表</source>
        <translation>Charts</translation>
    </message>
    <message>
        <location filename="../widget.py" line="365"/>
        <source>实时队列（%1 人等待）</source>
        <translation>Live queue (%1 waiting)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="384"/>
        <source>人员状态（通话 %1 · 空闲 %2）</source>
        <translation>Staff (in call %1 · available %2)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="479"/>
        <source>正在更新…</source>
        <translation>Updating…</translation>
    </message>
    <message>
        <location filename="../widget.py" line="490"/>
        <source>未能更新：%1</source>
        <translation>Could not update: %1</translation>
    </message>
    <message>
        <location filename="../widget.py" line="498"/>
        <source>更新于 %1</source>
        <translation>Updated %1</translation>
    </message>
    <message>
        <location filename="../widget.py" line="521"/>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../widget.py" line="544"/>
        <source>等待 中位数 / P90</source>
        <translation>Wait median / P90</translation>
    </message>
    <message>
        <location filename="../widget.py" line="545"/>
        <source>平均办理时长</source>
        <translation>Mean handle time</translation>
    </message>
    <message>
        <location filename="../widget.py" line="546"/>
        <source>服务水平（%1秒内接通）</source>
        <translation>Service level (answered within %1 s)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="548"/>
        <source>平均评分 · 差评率</source>
        <translation>Mean rating · poor ratings</translation>
    </message>
    <message>
        <location filename="../widget.py" line="552"/>
        <source>%1 件</source>
        <translation>%1</translation>
    </message>
    <message>
        <location filename="../widget.py" line="579"/>
        <source>CSV 文件 (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <location filename="../widget.py" line="592"/>
        <source>导出失败：%1</source>
        <translation>Export failed: %1</translation>
    </message>
    <message>
        <location filename="../widget.py" line="594"/>
        <source>已导出到 %1</source>
        <translation>Exported to %1</translation>
    </message>
</context>
</TS>
