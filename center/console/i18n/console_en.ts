<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CardPanel</name>
    <message>
        <location filename="../widgets.py" line="349"/>
        <source>证件信息</source>
        <translation>ID card</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="351"/>
        <location filename="../widgets.py" line="415"/>
        <source>照片</source>
        <translation>Photo</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="360"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="361"/>
        <source>性别/民族</source>
        <translation>Sex / ethnicity</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="362"/>
        <source>出生</source>
        <translation>Born</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="363"/>
        <source>住址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="364"/>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="365"/>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="376"/>
        <location filename="../widgets.py" line="418"/>
        <location filename="../widgets.py" line="436"/>
        <source>显示 (F8)</source>
        <translation>Show (F8)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="377"/>
        <source>显示完整证件号码；每次查看都会记录</source>
        <translation>Show the full ID number; every view is recorded</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="415"/>
        <source>未读卡</source>
        <translation>No card read</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="416"/>
        <source>居民未读卡：请当面核对身份</source>
        <translation>The resident&apos;s card was not read: verify identity on camera</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="434"/>
        <source>有照片</source>
        <translation>Photo on card</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="434"/>
        <source>无照片</source>
        <translation>No photo</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="436"/>
        <source>隐藏 (F8)</source>
        <translation>Hide (F8)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="439"/>
        <source>证件无效或已过期</source>
        <translation>The card is invalid or expired</translation>
    </message>
</context>
<context>
    <name>ChecklistPanel</name>
    <message>
        <location filename="../widgets.py" line="450"/>
        <source>材料清单</source>
        <translation>Materials checklist</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="468"/>
        <source>目录未列出此事项的材料，请按实际核对</source>
        <translation>The catalog lists no materials for this item; check by hand</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="471"/>
        <source>已收 %1 / %2 项</source>
        <translation>%1 of %2 received</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets.py" line="474"/>
        <source>（%n 页）</source>
        <translation>
            <numerusform> (%n page)</numerusform>
            <numerusform> (%n pages)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <location filename="../window.py" line="234"/>
        <source>远程虚拟窗口 受理工作台 — %1</source>
        <translation>Remote virtual window console — %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="258"/>
        <source>%1&#x3000;%2号窗口&#x3000;%3</source>
        <extracomment>the resident&apos;s voice; a third party&apos;s legs each have their own player</extracomment>
        <translation>%1   window %2   %3</translation>
    </message>
    <message>
        <location filename="../window.py" line="281"/>
        <source>受理</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../window.py" line="291"/>
        <location filename="../window.py" line="689"/>
        <location filename="../window.py" line="731"/>
        <source>暂无通话</source>
        <translation>No call</translation>
    </message>
    <message>
        <location filename="../window.py" line="294"/>
        <source>挂断 (Ctrl+H)</source>
        <translation>Hang up (Ctrl+H)</translation>
    </message>
    <message>
        <location filename="../window.py" line="296"/>
        <source>转接… (Ctrl+T)</source>
        <translation>Transfer… (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../window.py" line="297"/>
        <source>邀请专家… (Ctrl+I)</source>
        <translation>Invite expert… (Ctrl+I)</translation>
    </message>
    <message>
        <location filename="../window.py" line="298"/>
        <source>下一位 (Ctrl+N)</source>
        <translation>Next resident (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../window.py" line="299"/>
        <source>离开会商</source>
        <translation>Leave consultation</translation>
    </message>
    <message>
        <location filename="../window.py" line="301"/>
        <source>请专家离开</source>
        <translation>Ask the expert to leave</translation>
    </message>
    <message>
        <location filename="../window.py" line="340"/>
        <source>材料 (Alt+1)</source>
        <translation>Materials (Alt+1)</translation>
    </message>
    <message>
        <location filename="../window.py" line="342"/>
        <source>申请表 (Alt+2)</source>
        <translation>Form (Alt+2)</translation>
    </message>
    <message>
        <location filename="../window.py" line="344"/>
        <source>办结 (Alt+3)</source>
        <translation>Outcome (Alt+3)</translation>
    </message>
    <message>
        <location filename="../window.py" line="350"/>
        <source>历史查询</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../window.py" line="437"/>
        <source>服务监控</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <location filename="../window.py" line="511"/>
        <source>记录服务拒绝了办结：</source>
        <translation>The records service refused to close the case: </translation>
    </message>
    <message>
        <location filename="../window.py" line="526"/>
        <source>挂断</source>
        <translation>Hang up</translation>
    </message>
    <message>
        <location filename="../window.py" line="527"/>
        <source>案件尚未办结。仍要挂断吗？挂断后仍可在“办结”页登记结果。</source>
        <translation>The case is not closed yet. Hang up anyway? You can still record the outcome on the Outcome page.</translation>
    </message>
    <message>
        <location filename="../window.py" line="543"/>
        <source>转接给</source>
        <translation>Transfer to</translation>
    </message>
    <message>
        <location filename="../window.py" line="543"/>
        <source>邀请第三方加入通话</source>
        <translation>Invite a third party into the call</translation>
    </message>
    <message>
        <location filename="../window.py" line="567"/>
        <source>查询失败：</source>
        <translation>Search failed: </translation>
    </message>
    <message>
        <location filename="../window.py" line="570"/>
        <source>连不上服务器，请稍后再试</source>
        <translation>Cannot reach the server; try again later</translation>
    </message>
    <message>
        <location filename="../window.py" line="689"/>
        <source>通话已结束</source>
        <translation>Call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="712"/>
        <source>取消静音 (Ctrl+M)</source>
        <translation>Unmute (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../window.py" line="712"/>
        <source>静音 (Ctrl+M)</source>
        <translation>Mute (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../window.py" line="735"/>
        <source>（通话已结束）</source>
        <translation> (call ended)</translation>
    </message>
    <message>
        <location filename="../window.py" line="761"/>
        <source>通话质量：好</source>
        <translation>Call quality: good</translation>
    </message>
    <message>
        <location filename="../window.py" line="762"/>
        <source>通话质量：一般</source>
        <translation>Call quality: fair</translation>
    </message>
    <message>
        <location filename="../window.py" line="763"/>
        <source>通话质量：差</source>
        <translation>Call quality: poor</translation>
    </message>
    <message>
        <location filename="../window.py" line="764"/>
        <source>正在重连…</source>
        <translation>Reconnecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="765"/>
        <source>正在接通…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="770"/>
        <source>网络不稳，正在重连…</source>
        <translation>Unstable network, reconnecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="778"/>
        <source>正在连接服务器…</source>
        <translation>Connecting to the server…</translation>
    </message>
    <message>
        <location filename="../window.py" line="779"/>
        <source>● 已连接</source>
        <translation>● Connected</translation>
    </message>
    <message>
        <location filename="../window.py" line="780"/>
        <source>● 与服务器断开，正在重连…</source>
        <translation>● Disconnected from the server, reconnecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="781"/>
        <source>● 已断开</source>
        <translation>● Disconnected</translation>
    </message>
    <message>
        <location filename="../window.py" line="801"/>
        <source>会商：%1</source>
        <translation>Consultation: %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="812"/>
        <source>正在邀请</source>
        <translation>inviting</translation>
    </message>
    <message>
        <location filename="../window.py" line="813"/>
        <source>已加入</source>
        <translation>joined</translation>
    </message>
    <message>
        <location filename="../window.py" line="814"/>
        <source>已拒绝</source>
        <translation>declined</translation>
    </message>
    <message>
        <location filename="../window.py" line="815"/>
        <source>无人接听</source>
        <translation>no answer</translation>
    </message>
    <message>
        <location filename="../window.py" line="816"/>
        <source>已断线</source>
        <translation>connection lost</translation>
    </message>
    <message>
        <location filename="../window.py" line="817"/>
        <source>已离开</source>
        <translation>left</translation>
    </message>
    <message>
        <location filename="../window.py" line="818"/>
        <source>已移出</source>
        <translation>removed</translation>
    </message>
    <message>
        <location filename="../window.py" line="821"/>
        <source>第三方 %1：%2</source>
        <translation>Third party %1: %2</translation>
    </message>
    <message>
        <location filename="../window.py" line="845"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../window.py" line="845"/>
        <source>正在通话中，退出将结束通话。确定退出吗？</source>
        <translation>A call is in progress; quitting ends it. Quit anyway?</translation>
    </message>
</context>
<context>
    <name>DocumentViewer</name>
    <message>
        <location filename="../widgets.py" line="501"/>
        <source>材料文件</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="514"/>
        <source>放大 (+)</source>
        <translation>Zoom in (+)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="515"/>
        <source>缩小 (-)</source>
        <translation>Zoom out (-)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="516"/>
        <source>适合窗口</source>
        <translation>Fit</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="517"/>
        <source>原始大小</source>
        <translation>Full size</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="518"/>
        <source>旋转 (R)</source>
        <translation>Rotate (R)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="525"/>
        <location filename="../widgets.py" line="575"/>
        <source>材料到达后在此显示</source>
        <translation>Pages appear here as they arrive</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="533"/>
        <source>请重扫</source>
        <translation>Scan again</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="534"/>
        <source>通过</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="540"/>
        <source>退回原因</source>
        <translation>Reason for rejecting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="541"/>
        <source>退回</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="582"/>
        <source>传输中</source>
        <translation>arriving</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="583"/>
        <source>待审核</source>
        <translation>to review</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="584"/>
        <source>已通过</source>
        <translation>accepted</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="585"/>
        <source>已退回</source>
        <translation>rejected</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="586"/>
        <source>下载失败</source>
        <translation>download failed</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="587"/>
        <source>已请重扫</source>
        <translation>rescan asked</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="631"/>
        <source>%1，%2 KB</source>
        <translation>%1, %2 KB</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="633"/>
        <source>；退回原因：%1</source>
        <translation>; rejected: %1</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="677"/>
        <source>正在接收…</source>
        <translation>Receiving…</translation>
    </message>
</context>
<context>
    <name>FormPanel</name>
    <message>
        <location filename="../widgets.py" line="714"/>
        <source>申请表</source>
        <translation>Case form</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="723"/>
        <source>推送给居民确认 (Ctrl+P)</source>
        <translation>Send to the resident to confirm (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="756"/>
        <source>请核对后推送给居民确认签字</source>
        <translation>Check, then send it to the resident to confirm and sign</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="757"/>
        <source>已推送，等待居民确认签字…</source>
        <translation>Sent; waiting for the resident to confirm and sign…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="758"/>
        <source>居民已确认并签字</source>
        <translation>The resident confirmed and signed</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="759"/>
        <source>居民要求更正：</source>
        <translation>The resident asks for a correction: </translation>
    </message>
    <message>
        <location filename="../widgets.py" line="775"/>
        <source>签名将显示在这里</source>
        <translation>The signature will appear here</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../widgets.py" line="931"/>
        <location filename="../widgets.py" line="957"/>
        <source>案件号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="933"/>
        <source>事项名称或编码</source>
        <translation>Item name or code</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="935"/>
        <location filename="../widgets.py" line="960"/>
        <source>工作人员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="937"/>
        <location filename="../widgets.py" line="961"/>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="938"/>
        <location filename="../widgets.py" line="958"/>
        <source>日期</source>
        <translation>Dates</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="944"/>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="959"/>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="962"/>
        <source>结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="963"/>
        <source>评价</source>
        <translation>Rating</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="989"/>
        <source>查询中…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="994"/>
        <source>受理</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="995"/>
        <source>需补材料</source>
        <translation>Needs more materials</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="996"/>
        <source>转介</source>
        <translation>Referred</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="997"/>
        <source>办不成事</source>
        <translation>Could not be done</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1013"/>
        <source>办理中</source>
        <translation>open</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets.py" line="1018"/>
        <source>共 %n 件</source>
        <translation>
            <numerusform>%n case</numerusform>
            <numerusform>%n cases</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../window.py" line="117"/>
        <source>远程虚拟窗口 · 工作人员登录</source>
        <translation>Remote virtual window · staff login</translation>
    </message>
    <message>
        <location filename="../window.py" line="120"/>
        <source>远程虚拟窗口 受理工作台</source>
        <translation>Remote virtual window console</translation>
    </message>
    <message>
        <location filename="../window.py" line="127"/>
        <source>服务器</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../window.py" line="128"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../window.py" line="129"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../window.py" line="135"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../window.py" line="148"/>
        <source>请输入用户名和密码</source>
        <translation>Enter your username and password</translation>
    </message>
    <message>
        <location filename="../window.py" line="155"/>
        <source>正在登录…</source>
        <translation>Logging in…</translation>
    </message>
</context>
<context>
    <name>OutcomePanel</name>
    <message>
        <location filename="../widgets.py" line="791"/>
        <source>办理结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="797"/>
        <source>受理</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="798"/>
        <source>需补材料</source>
        <translation>Needs more materials</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="799"/>
        <source>转介</source>
        <translation>Referred</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="800"/>
        <source>办不成事</source>
        <translation>Could not be done</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="809"/>
        <source>缺少的材料（将告知居民并打在回执上）</source>
        <translation>Missing materials (told to the resident and printed on the receipt)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="819"/>
        <source>转介到哪里</source>
        <translation>Referred to where</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="822"/>
        <source>办不成的原因（将生成跟进工单）</source>
        <translation>Why it cannot be done (opens a follow-up)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="825"/>
        <source>备注（可选，会打在回执上）</source>
        <translation>Note (optional, printed on the receipt)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="833"/>
        <source>办结并发送回执 (Ctrl+Enter)</source>
        <translation>Close and send the receipt (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="882"/>
        <source>已办结，案件号 %1</source>
        <translation>Closed, case number %1</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="883"/>
        <source>（居民评价 %1 星）</source>
        <translation> (rated %1 stars)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="887"/>
        <source>（正在建档…）</source>
        <translation>(opening the case…)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="888"/>
        <source>案件号 %1</source>
        <translation>Case number %1</translation>
    </message>
</context>
<context>
    <name>QueueTable</name>
    <message>
        <location filename="../widgets.py" line="290"/>
        <source>业务</source>
        <translation>Line</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="291"/>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="292"/>
        <source>居委会/终端</source>
        <translation>Committee / kiosk</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="293"/>
        <source>优先</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="294"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="295"/>
        <source>已等候</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="307"/>
        <source>排队情况暂不可见（服务器未开放给本账号）</source>
        <translation>The queue is not shown to this account by the server</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="312"/>
        <source>%1 %2 人，最长 %3</source>
        <translation>%1: %2 waiting, longest %3</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="319"/>
        <source>无人排队</source>
        <translation>Nobody waiting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="323"/>
        <source>等候</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="324"/>
        <source>断线保留</source>
        <translation>held (offline)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="325"/>
        <source>振铃</source>
        <translation>ringing</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="326"/>
        <source>通话中</source>
        <translation>In a call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="333"/>
        <source>是</source>
        <translation>yes</translation>
    </message>
</context>
<context>
    <name>RingPanel</name>
    <message>
        <location filename="../widgets.py" line="239"/>
        <source>接听 (Enter)</source>
        <translation>Answer (Enter)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="240"/>
        <source>拒接 (Esc)</source>
        <translation>Decline (Esc)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="254"/>
        <source>来电</source>
        <translation>Incoming call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="255"/>
        <source>转接来电</source>
        <translation>Transferred call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="256"/>
        <source>邀请加入通话</source>
        <translation>Invitation to a call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="260"/>
        <source>（优先）</source>
        <translation> (priority)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="262"/>
        <source>%1，已等候 %2</source>
        <translation>%1, waited %2</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="266"/>
        <source>来自 %1</source>
        <translation>From %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets.py" line="272"/>
        <source>%n 秒内未接听将转给他人</source>
        <translation>
            <numerusform>Goes to someone else if not answered within %n second</numerusform>
            <numerusform>Goes to someone else if not answered within %n seconds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StateSwitch</name>
    <message>
        <location filename="../widgets.py" line="181"/>
        <source>空闲接听 (F5)</source>
        <extracomment>the invited third party (or, for the expert, the clerk)</extracomment>
        <translation>Available (F5)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="182"/>
        <source>暂离 (F6)</source>
        <translation>Away (F6)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="197"/>
        <source>未上线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="198"/>
        <source>空闲，等待来电</source>
        <translation>Available, waiting for calls</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="199"/>
        <source>来电中</source>
        <translation>Ringing</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="200"/>
        <source>通话中</source>
        <translation>In a call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="201"/>
        <source>整理中</source>
        <translation>Wrap-up</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="202"/>
        <source>暂离</source>
        <translation>Away</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets.py" line="207"/>
        <source>整理中，%n 秒后自动空闲</source>
        <translation>
            <numerusform>Wrap-up, available again in %n second</numerusform>
            <numerusform>Wrap-up, available again in %n seconds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TargetDialog</name>
    <message>
        <location filename="../window.py" line="186"/>
        <source>业务条线：%1</source>
        <translation>Business line: %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="190"/>
        <source>工作人员：%1</source>
        <translation>Clerk: %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="195"/>
        <source>给对方的说明（可选）</source>
        <translation>A note for them (optional)</translation>
    </message>
    <message>
        <location filename="../window.py" line="196"/>
        <source>对象</source>
        <translation>Whom</translation>
    </message>
    <message>
        <location filename="../window.py" line="204"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../window.py" line="205"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../window.py" line="197"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>console</name>
    <message>
        <location filename="../app.py" line="76"/>
        <source>无法连接</source>
        <translation>Cannot connect</translation>
    </message>
    <message>
        <location filename="../app.py" line="77"/>
        <source>服务器拒绝了连接：%1</source>
        <translation>The server refused the connection: %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="68"/>
        <source>连不上服务器，请检查网络或联系管理员</source>
        <extracomment>texts the client and the model produce (Chinese source text), for the translators</extracomment>
        <translation>Cannot reach the server; check the network or call the administrator</translation>
    </message>
    <message>
        <location filename="../screenshots.py" line="309"/>
        <location filename="../window.py" line="69"/>
        <source>用户名或密码不对</source>
        <translation>Wrong username or password</translation>
    </message>
    <message>
        <location filename="../window.py" line="70"/>
        <source>登录失败次数太多，请稍后再试</source>
        <translation>Too many failed logins; try again later</translation>
    </message>
    <message>
        <location filename="../window.py" line="71"/>
        <source>服务器出错，请稍后再试</source>
        <translation>Server error; try again later</translation>
    </message>
    <message>
        <location filename="../window.py" line="72"/>
        <source>记录服务拒绝了操作：</source>
        <translation>The records service refused: </translation>
    </message>
    <message>
        <location filename="../window.py" line="73"/>
        <source>与服务器的连接中断，正在重连…</source>
        <translation>Lost the server connection, reconnecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="74"/>
        <source>操作失败，请重试</source>
        <translation>That failed; please try again</translation>
    </message>
    <message>
        <location filename="../window.py" line="75"/>
        <source>来电无人接听，已转给其他工作人员</source>
        <translation>The call was not answered and went to another clerk</translation>
    </message>
    <message>
        <location filename="../window.py" line="76"/>
        <source>居民已离开，来电取消</source>
        <translation>The resident left; the call was cancelled</translation>
    </message>
    <message>
        <location filename="../window.py" line="77"/>
        <source>居民端网络中断，等待重连…</source>
        <translation>The kiosk lost its connection; waiting for it…</translation>
    </message>
    <message>
        <location filename="../window.py" line="78"/>
        <source>现在不能这样操作</source>
        <translation>Not possible now</translation>
    </message>
    <message>
        <location filename="../window.py" line="79"/>
        <source>对方现在不在线或正忙</source>
        <translation>They are offline or busy</translation>
    </message>
    <message>
        <location filename="../window.py" line="80"/>
        <source>没有这位工作人员</source>
        <translation>No such clerk</translation>
    </message>
    <message>
        <location filename="../window.py" line="81"/>
        <source>没有这个业务条线</source>
        <translation>No such business line</translation>
    </message>
    <message>
        <location filename="../window.py" line="82"/>
        <source>服务器不允许此操作</source>
        <translation>The server does not allow this</translation>
    </message>
    <message>
        <location filename="../window.py" line="83"/>
        <source>不在通话中</source>
        <translation>Not in a call</translation>
    </message>
    <message>
        <location filename="../window.py" line="84"/>
        <source>服务器拒绝了操作</source>
        <translation>The server refused</translation>
    </message>
    <message>
        <location filename="../window.py" line="85"/>
        <source>通话已结束</source>
        <translation>Call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="86"/>
        <source>居民端断线，通话结束</source>
        <translation>The kiosk dropped; the call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="87"/>
        <source>已转接，通话结束</source>
        <translation>Transferred; the call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="88"/>
        <source>本机断线，通话结束</source>
        <translation>This console dropped; the call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="89"/>
        <source>通话结束</source>
        <translation>The call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="90"/>
        <source>居民端拒绝了一条消息：</source>
        <translation>The kiosk refused a message: </translation>
    </message>
    <message>
        <location filename="../window.py" line="91"/>
        <source>有一页材料没能下载，请让居民重扫</source>
        <translation>A page could not be downloaded; ask the resident to scan it again</translation>
    </message>
    <message>
        <location filename="../window.py" line="92"/>
        <source>受理前请先推送申请表并由居民确认签字</source>
        <translation>Before accepting, send the form for the resident to confirm and sign</translation>
    </message>
    <message>
        <location filename="../window.py" line="93"/>
        <source>请勾选需要补充的材料</source>
        <translation>Tick the materials that are missing</translation>
    </message>
    <message>
        <location filename="../window.py" line="94"/>
        <source>请填写转介去向</source>
        <translation>Say where the resident is referred to</translation>
    </message>
    <message>
        <location filename="../window.py" line="95"/>
        <source>请填写办不成的原因</source>
        <translation>Give the reason it cannot be done</translation>
    </message>
    <message>
        <location filename="../window.py" line="96"/>
        <source>退回材料请选择或填写原因</source>
        <translation>Choose or type a reason to reject a page</translation>
    </message>
    <message>
        <location filename="../window.py" line="97"/>
        <source>有一页材料无法显示，请让居民重扫</source>
        <translation>A page cannot be shown; ask the resident to scan it again</translation>
    </message>
</context>
</TS>
