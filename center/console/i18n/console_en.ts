<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CardPanel</name>
    <message>
        <location filename="../widgets.py" line="406"/>
        <source>证件信息</source>
        <translation>ID card</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="408"/>
        <location filename="../widgets.py" line="497"/>
        <source>照片</source>
        <translation>Photo</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="417"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="418"/>
        <source>性别/民族</source>
        <translation>Sex / ethnicity</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="419"/>
        <source>出生</source>
        <translation>Born</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="420"/>
        <source>住址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="421"/>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="422"/>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="433"/>
        <location filename="../widgets.py" line="474"/>
        <source>显示 (F8)</source>
        <translation>Show (F8)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="434"/>
        <source>显示完整证件号码；每次查看都会记录</source>
        <translation>Show the full ID number; every view is recorded</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="439"/>
        <location filename="../widgets.py" line="440"/>
        <source>重新读卡</source>
        <translation>Read the card again</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="441"/>
        <source>请居民把身份证重新放到读卡器上，读到的信息显示在这里</source>
        <translation>Ask the resident to put the ID card on the reader again; what is read shows here</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="472"/>
        <source>隐藏完整证件号码</source>
        <translation>Hide the full ID number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="475"/>
        <source>显示完整证件号码</source>
        <translation>Show the full ID number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="490"/>
        <source>已请居民把身份证放到读卡器上，正在等待…</source>
        <translation>The resident was asked to put the ID card on the reader; waiting…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="497"/>
        <source>未读卡</source>
        <translation>No card read</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="498"/>
        <source>居民未读卡：请当面核对身份</source>
        <translation>The resident&apos;s card was not read: verify identity on camera</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="516"/>
        <source>有照片</source>
        <translation>Photo on card</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="516"/>
        <source>无照片</source>
        <translation>No photo</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="471"/>
        <source>隐藏 (F8)</source>
        <translation>Hide (F8)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="521"/>
        <source>证件无效或已过期</source>
        <translation>The card is invalid or expired</translation>
    </message>
</context>
<context>
    <name>ChecklistPanel</name>
    <message>
        <location filename="../widgets.py" line="537"/>
        <source>材料清单</source>
        <extracomment>the clerk asks the kiosk for the material of this name</extracomment>
        <translation>Materials checklist</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="578"/>
        <source>目录未列出此事项的材料，请按实际核对</source>
        <extracomment>one per material, in the checklist&apos;s order material name → its &quot;请拍摄/扫描&quot; button</extracomment>
        <translation>The catalog lists no materials for this item; check by hand</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="581"/>
        <source>已收 %1 / %2 项</source>
        <translation>%1 of %2 received</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets.py" line="586"/>
        <source>（%n 页）</source>
        <translation>
            <numerusform> (%n page)</numerusform>
            <numerusform> (%n pages)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../widgets.py" line="588"/>
        <source>（已请居民放上）</source>
        <translation> (asked for)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="608"/>
        <source>勾选表示这项材料已收齐，会写进办理结果</source>
        <translation>Ticked: this material has been received; it goes into the outcome</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="612"/>
        <source>请拍摄/扫描</source>
        <translation>Capture/scan</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="613"/>
        <source>请拍摄/扫描：</source>
        <translation>Capture/scan: </translation>
    </message>
    <message>
        <location filename="../widgets.py" line="614"/>
        <source>请居民把%1放到拍摄台上，拍下后传到这里</source>
        <translation>Ask the resident to put %1 on the document stand; the picture arrives here</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <location filename="../window.py" line="263"/>
        <source>远程虚拟窗口 受理工作台 — %1</source>
        <translation>Remote virtual window console — %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="287"/>
        <source>%1&#x3000;%2号窗口&#x3000;%3</source>
        <extracomment>the resident&apos;s voice; a third party&apos;s legs each have their own player</extracomment>
        <translation>%1   window %2   %3</translation>
    </message>
    <message>
        <location filename="../window.py" line="310"/>
        <source>受理</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../window.py" line="320"/>
        <location filename="../window.py" line="756"/>
        <location filename="../window.py" line="801"/>
        <source>暂无通话</source>
        <translation>No call</translation>
    </message>
    <message>
        <location filename="../window.py" line="323"/>
        <source>挂断 (Ctrl+H)</source>
        <translation>Hang up (Ctrl+H)</translation>
    </message>
    <message>
        <location filename="../window.py" line="325"/>
        <source>转接… (Ctrl+T)</source>
        <translation>Transfer… (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../window.py" line="326"/>
        <source>邀请专家… (Ctrl+I)</source>
        <translation>Invite expert… (Ctrl+I)</translation>
    </message>
    <message>
        <location filename="../window.py" line="327"/>
        <source>下一位 (Ctrl+N)</source>
        <translation>Next resident (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../window.py" line="328"/>
        <location filename="../window.py" line="339"/>
        <source>离开会商</source>
        <translation>Leave consultation</translation>
    </message>
    <message>
        <location filename="../window.py" line="330"/>
        <location filename="../window.py" line="340"/>
        <source>请专家离开</source>
        <translation>Ask the expert to leave</translation>
    </message>
    <message>
        <location filename="../window.py" line="379"/>
        <source>材料 (Alt+1)</source>
        <translation>Materials (Alt+1)</translation>
    </message>
    <message>
        <location filename="../window.py" line="381"/>
        <source>申请表 (Alt+2)</source>
        <translation>Form (Alt+2)</translation>
    </message>
    <message>
        <location filename="../window.py" line="383"/>
        <source>办结 (Alt+3)</source>
        <translation>Outcome (Alt+3)</translation>
    </message>
    <message>
        <location filename="../window.py" line="389"/>
        <source>历史查询</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../window.py" line="480"/>
        <source>服务监控</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <location filename="../window.py" line="562"/>
        <source>记录服务拒绝了办结：</source>
        <translation>The records service refused to close the case: </translation>
    </message>
    <message>
        <location filename="../window.py" line="335"/>
        <location filename="../window.py" line="577"/>
        <source>挂断</source>
        <translation>Hang up</translation>
    </message>
    <message>
        <location filename="../window.py" line="335"/>
        <source>结束与居民的通话（Ctrl+H）</source>
        <translation>End the call with the resident (Ctrl+H)</translation>
    </message>
    <message>
        <location filename="../window.py" line="336"/>
        <source>转接</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <location filename="../window.py" line="336"/>
        <source>把居民转给别的工作人员（Ctrl+T）</source>
        <translation>Hand the resident on to another clerk (Ctrl+T)</translation>
    </message>
    <message>
        <location filename="../window.py" line="337"/>
        <source>邀请专家</source>
        <translation>Invite an expert</translation>
    </message>
    <message>
        <location filename="../window.py" line="337"/>
        <source>邀请第三方加入通话（Ctrl+I）</source>
        <translation>Invite a third party into the call (Ctrl+I)</translation>
    </message>
    <message>
        <location filename="../window.py" line="338"/>
        <source>下一位</source>
        <translation>Next resident</translation>
    </message>
    <message>
        <location filename="../window.py" line="338"/>
        <source>清空本案，接待下一位（Ctrl+N）</source>
        <translation>Clear this case and serve the next resident (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../window.py" line="339"/>
        <source>离开受邀加入的通话</source>
        <translation>Leave the call you were invited to</translation>
    </message>
    <message>
        <location filename="../window.py" line="340"/>
        <source>请受邀的第三方离开通话</source>
        <translation>Ask the invited third party to leave the call</translation>
    </message>
    <message>
        <location filename="../window.py" line="341"/>
        <source>静音</source>
        <translation>Mute</translation>
    </message>
    <message>
        <location filename="../window.py" line="341"/>
        <source>关闭或打开居民的声音（Ctrl+M）</source>
        <translation>Turn the resident&apos;s sound off or on (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../window.py" line="390"/>
        <source>工作区</source>
        <translation>Workspace</translation>
    </message>
    <message>
        <location filename="../window.py" line="390"/>
        <source>受理与历史查询</source>
        <translation>Serving and history search</translation>
    </message>
    <message>
        <location filename="../window.py" line="391"/>
        <source>本案</source>
        <translation>This case</translation>
    </message>
    <message>
        <location filename="../window.py" line="391"/>
        <source>材料、申请表与办结</source>
        <translation>Materials, form and closing</translation>
    </message>
    <message>
        <location filename="../window.py" line="578"/>
        <source>案件尚未办结。仍要挂断吗？挂断后仍可在“办结”页登记结果。</source>
        <translation>The case is not closed yet. Hang up anyway? You can still record the outcome on the Outcome page.</translation>
    </message>
    <message>
        <location filename="../window.py" line="594"/>
        <source>转接给</source>
        <translation>Transfer to</translation>
    </message>
    <message>
        <location filename="../window.py" line="594"/>
        <source>邀请第三方加入通话</source>
        <translation>Invite a third party into the call</translation>
    </message>
    <message>
        <location filename="../window.py" line="628"/>
        <source>查询没有成功，请检查查询条件后重试</source>
        <translation>The search did not succeed; check the criteria and try again</translation>
    </message>
    <message>
        <location filename="../window.py" line="631"/>
        <source>连不上服务器，请稍后再试</source>
        <translation>Cannot reach the server; try again later</translation>
    </message>
    <message>
        <location filename="../window.py" line="756"/>
        <source>通话已结束</source>
        <translation>Call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="782"/>
        <source>取消静音 (Ctrl+M)</source>
        <translation>Unmute (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../window.py" line="782"/>
        <source>静音 (Ctrl+M)</source>
        <translation>Mute (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../window.py" line="805"/>
        <source>（通话已结束）</source>
        <translation> (call ended)</translation>
    </message>
    <message>
        <location filename="../window.py" line="831"/>
        <source>通话质量：好</source>
        <translation>Call quality: good</translation>
    </message>
    <message>
        <location filename="../window.py" line="832"/>
        <source>通话质量：一般</source>
        <translation>Call quality: fair</translation>
    </message>
    <message>
        <location filename="../window.py" line="833"/>
        <source>通话质量：差</source>
        <translation>Call quality: poor</translation>
    </message>
    <message>
        <location filename="../window.py" line="834"/>
        <source>正在重连…</source>
        <translation>Reconnecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="835"/>
        <source>正在接通…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="840"/>
        <source>网络不稳，正在重连…</source>
        <translation>Unstable network, reconnecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="848"/>
        <source>正在连接服务器…</source>
        <translation>Connecting to the server…</translation>
    </message>
    <message>
        <location filename="../window.py" line="849"/>
        <source>● 已连接</source>
        <translation>● Connected</translation>
    </message>
    <message>
        <location filename="../window.py" line="850"/>
        <source>● 与服务器断开，正在重连…</source>
        <translation>● Disconnected from the server, reconnecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="851"/>
        <source>● 已断开</source>
        <translation>● Disconnected</translation>
    </message>
    <message>
        <location filename="../window.py" line="871"/>
        <source>会商：%1</source>
        <translation>Consultation: %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="882"/>
        <source>正在邀请</source>
        <translation>inviting</translation>
    </message>
    <message>
        <location filename="../window.py" line="883"/>
        <source>已加入</source>
        <translation>joined</translation>
    </message>
    <message>
        <location filename="../window.py" line="884"/>
        <source>已拒绝</source>
        <translation>declined</translation>
    </message>
    <message>
        <location filename="../window.py" line="885"/>
        <source>无人接听</source>
        <translation>no answer</translation>
    </message>
    <message>
        <location filename="../window.py" line="886"/>
        <source>已断线</source>
        <translation>connection lost</translation>
    </message>
    <message>
        <location filename="../window.py" line="887"/>
        <source>已离开</source>
        <translation>left</translation>
    </message>
    <message>
        <location filename="../window.py" line="888"/>
        <source>已移出</source>
        <translation>removed</translation>
    </message>
    <message>
        <location filename="../window.py" line="891"/>
        <source>第三方 %1：%2</source>
        <translation>Third party %1: %2</translation>
    </message>
    <message>
        <location filename="../window.py" line="915"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../window.py" line="915"/>
        <source>正在通话中，退出将结束通话。确定退出吗？</source>
        <translation>A call is in progress; quitting ends it. Quit anyway?</translation>
    </message>
</context>
<context>
    <name>DocumentViewer</name>
    <message>
        <location filename="../widgets.py" line="641"/>
        <source>材料文件</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="650"/>
        <source>材料页</source>
        <translation>Pages</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="650"/>
        <source>已收到的材料页，选一页在右边查看</source>
        <translation>The pages received; choose one to see it on the right</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="655"/>
        <source>放大 (+)</source>
        <translation>Zoom in (+)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="656"/>
        <source>缩小 (-)</source>
        <translation>Zoom out (-)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="657"/>
        <location filename="../widgets.py" line="663"/>
        <source>适合窗口</source>
        <translation>Fit</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="658"/>
        <location filename="../widgets.py" line="664"/>
        <source>原始大小</source>
        <translation>Full size</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="659"/>
        <source>旋转 (R)</source>
        <translation>Rotate (R)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="661"/>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="661"/>
        <source>放大这一页（+）</source>
        <translation>Zoom in on this page (+)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="662"/>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="662"/>
        <source>缩小这一页（-）</source>
        <translation>Zoom out of this page (-)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="663"/>
        <source>整页显示在窗口里</source>
        <translation>Show the whole page in the window</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="664"/>
        <source>按原始大小显示这一页</source>
        <translation>Show this page at its actual size</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="665"/>
        <source>旋转</source>
        <translation>Rotate</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="665"/>
        <source>把这一页转 90 度（R）</source>
        <translation>Turn this page by 90 degrees (R)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="672"/>
        <location filename="../widgets.py" line="729"/>
        <source>材料到达后在此显示</source>
        <translation>Pages appear here as they arrive</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="676"/>
        <source>材料图像</source>
        <translation>Page image</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="676"/>
        <source>选中的材料页</source>
        <translation>The page chosen</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="681"/>
        <location filename="../widgets.py" line="691"/>
        <source>请重扫</source>
        <translation>Scan again</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="682"/>
        <location filename="../widgets.py" line="692"/>
        <source>通过</source>
        <translation>Accept</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="688"/>
        <location filename="../widgets.py" line="689"/>
        <source>退回原因</source>
        <translation>Reason for rejecting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="689"/>
        <source>选择或填写退回这一页的原因，会告诉居民</source>
        <translation>Choose or type why this page is rejected; the resident is told</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="690"/>
        <location filename="../widgets.py" line="693"/>
        <source>退回</source>
        <translation>Reject</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="691"/>
        <source>请居民把这一页重新扫描一次</source>
        <translation>Ask the resident to scan this page again</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="692"/>
        <source>这一页材料审核通过</source>
        <translation>Accept this page</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="693"/>
        <source>按所填原因退回这一页材料</source>
        <translation>Reject this page for the reason given</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="736"/>
        <source>传输中</source>
        <translation>arriving</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="737"/>
        <source>待审核</source>
        <translation>to review</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="738"/>
        <source>已通过</source>
        <translation>accepted</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="739"/>
        <source>已退回</source>
        <translation>rejected</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="740"/>
        <source>下载失败</source>
        <translation>download failed</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="741"/>
        <source>已请重扫</source>
        <translation>rescan asked</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="790"/>
        <source>%1，%2 KB</source>
        <translation>%1, %2 KB</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="792"/>
        <source>；退回原因：%1</source>
        <translation>; rejected: %1</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="836"/>
        <source>正在接收…</source>
        <translation>Receiving…</translation>
    </message>
</context>
<context>
    <name>FormPanel</name>
    <message>
        <location filename="../widgets.py" line="873"/>
        <source>申请表</source>
        <translation>Case form</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="883"/>
        <source>推送给居民确认 (Ctrl+P)</source>
        <translation>Send to the resident to confirm (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="884"/>
        <source>推送给居民确认</source>
        <translation>Send to the resident to confirm</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="885"/>
        <source>把申请表送到居民端，请居民核对并签名（Ctrl+P）</source>
        <translation>Send the form to the kiosk for the resident to check and sign (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="908"/>
        <source>申请表的“%1”一栏</source>
        <translation>The form&apos;s &quot;%1&quot; field</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="923"/>
        <source>请核对后推送给居民确认签字</source>
        <translation>Check, then send it to the resident to confirm and sign</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="924"/>
        <source>已推送，等待居民确认签字…</source>
        <translation>Sent; waiting for the resident to confirm and sign…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="925"/>
        <source>居民已确认并签字</source>
        <translation>The resident confirmed and signed</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="926"/>
        <source>居民要求更正：</source>
        <translation>The resident asks for a correction: </translation>
    </message>
    <message>
        <location filename="../widgets.py" line="942"/>
        <source>签名将显示在这里</source>
        <translation>The signature will appear here</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../widgets.py" line="1121"/>
        <location filename="../widgets.py" line="1136"/>
        <location filename="../widgets.py" line="1158"/>
        <source>案件号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1123"/>
        <location filename="../widgets.py" line="1137"/>
        <source>事项名称或编码</source>
        <translation>Item name or code</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1125"/>
        <location filename="../widgets.py" line="1138"/>
        <location filename="../widgets.py" line="1161"/>
        <source>工作人员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1127"/>
        <location filename="../widgets.py" line="1139"/>
        <location filename="../widgets.py" line="1162"/>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1128"/>
        <location filename="../widgets.py" line="1159"/>
        <source>日期</source>
        <translation>Dates</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1134"/>
        <location filename="../widgets.py" line="1143"/>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1136"/>
        <source>按案件号查询</source>
        <translation>Search by case number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1137"/>
        <source>按事项名称或编码查询</source>
        <translation>Search by item name or code</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1138"/>
        <source>按办理的工作人员查询</source>
        <translation>Search by the clerk who served</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1139"/>
        <source>按居民的证件号码查询</source>
        <translation>Search by the resident&apos;s ID number</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1140"/>
        <source>按日期查询</source>
        <translation>Search by date</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1140"/>
        <source>勾选后只查所选日期之间的案件</source>
        <translation>Ticked: only cases between the dates chosen</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1141"/>
        <source>起始日期</source>
        <translation>From date</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1141"/>
        <source>查询的第一天</source>
        <translation>The first day searched</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1142"/>
        <source>截止日期</source>
        <translation>To date</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1142"/>
        <source>查询的最后一天</source>
        <translation>The last day searched</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1143"/>
        <source>按所填条件查询案件（回车）</source>
        <translation>Search cases with what is filled in (Enter)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1160"/>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1163"/>
        <source>结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1164"/>
        <source>页数</source>
        <translation>Pages</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1165"/>
        <source>评价</source>
        <translation>Rating</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1171"/>
        <source>查询结果</source>
        <translation>Results</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1171"/>
        <source>查到的案件</source>
        <translation>The cases found</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1192"/>
        <source>查询中…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1197"/>
        <source>受理</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1198"/>
        <source>需补材料</source>
        <translation>Needs more materials</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1199"/>
        <source>转介</source>
        <translation>Referred</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1200"/>
        <source>办不成事</source>
        <translation>Could not be done</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1216"/>
        <source>办理中</source>
        <translation>open</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets.py" line="1222"/>
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
        <location filename="../window.py" line="129"/>
        <source>远程虚拟窗口 · 工作人员登录</source>
        <translation>Remote virtual window · staff login</translation>
    </message>
    <message>
        <location filename="../window.py" line="132"/>
        <source>远程虚拟窗口 受理工作台</source>
        <translation>Remote virtual window console</translation>
    </message>
    <message>
        <location filename="../window.py" line="142"/>
        <source>服务器</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../window.py" line="140"/>
        <location filename="../window.py" line="143"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../window.py" line="139"/>
        <source>服务器地址</source>
        <translation>Server address</translation>
    </message>
    <message>
        <location filename="../window.py" line="139"/>
        <source>受理中心服务器的网址</source>
        <translation>The service center server&apos;s address</translation>
    </message>
    <message>
        <location filename="../window.py" line="140"/>
        <source>工作人员的登录用户名</source>
        <translation>The clerk&apos;s user name</translation>
    </message>
    <message>
        <location filename="../window.py" line="141"/>
        <location filename="../window.py" line="144"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../window.py" line="141"/>
        <source>登录密码，回车即登录</source>
        <translation>Password; Enter logs in</translation>
    </message>
    <message>
        <location filename="../window.py" line="151"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../window.py" line="151"/>
        <source>用所填的用户名和密码登录</source>
        <translation>Log in with the user name and password given</translation>
    </message>
    <message>
        <location filename="../window.py" line="165"/>
        <source>请输入用户名和密码</source>
        <translation>Enter your username and password</translation>
    </message>
    <message>
        <location filename="../window.py" line="172"/>
        <source>正在登录…</source>
        <translation>Logging in…</translation>
    </message>
</context>
<context>
    <name>OutcomePanel</name>
    <message>
        <location filename="../widgets.py" line="958"/>
        <source>办理结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="964"/>
        <source>受理</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="965"/>
        <source>需补材料</source>
        <translation>Needs more materials</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="966"/>
        <source>转介</source>
        <translation>Referred</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="967"/>
        <source>办不成事</source>
        <translation>Could not be done</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="970"/>
        <source>办理结果选“%1”</source>
        <translation>Outcome: &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="978"/>
        <source>缺少的材料（将告知居民并打在回执上）</source>
        <translation>Missing materials (told to the resident and printed on the receipt)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="982"/>
        <source>缺少的材料</source>
        <translation>Missing materials</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="983"/>
        <source>勾选居民还需补充的材料，会告知居民并打在回执上</source>
        <translation>Tick what the resident still has to bring; they are told and it is printed on the receipt</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="992"/>
        <source>转介到哪里</source>
        <translation>Referred to where</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="993"/>
        <source>转介去向</source>
        <translation>Referred to</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="993"/>
        <source>选择或填写转介到哪里办理</source>
        <translation>Choose or type where the resident is referred to</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="996"/>
        <source>办不成的原因（将生成跟进工单）</source>
        <translation>Why it cannot be done (opens a follow-up)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="997"/>
        <source>办不成的原因</source>
        <translation>Why it cannot be done</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="997"/>
        <source>填写办不成的原因，将生成跟进工单</source>
        <translation>Why it cannot be done; a follow-up ticket is opened</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1000"/>
        <source>备注（可选，会打在回执上）</source>
        <translation>Note (optional, printed on the receipt)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1001"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1001"/>
        <source>可选，会打在回执上</source>
        <translation>Optional; printed on the receipt</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1011"/>
        <location filename="../widgets.py" line="1012"/>
        <source>打印回执</source>
        <translation>Print the receipt</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1013"/>
        <source>办结时请居民端同时打印纸质回执</source>
        <translation>The kiosk prints a paper receipt when the case is closed</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1019"/>
        <source>办结并发送回执 (Ctrl+Enter)</source>
        <translation>Close and send the receipt (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1020"/>
        <source>办结并发送回执</source>
        <translation>Close and send the receipt</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1021"/>
        <source>按所选结果办结案件，把回执发给居民（Ctrl+Enter）</source>
        <translation>Close the case with the outcome chosen and send the receipt to the resident (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1071"/>
        <source>已办结，案件号 %1</source>
        <translation>Closed, case number %1</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1072"/>
        <source>（居民评价 %1 星）</source>
        <translation> (rated %1 stars)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1076"/>
        <source>（正在建档…）</source>
        <translation>(opening the case…)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="1077"/>
        <source>案件号 %1</source>
        <translation>Case number %1</translation>
    </message>
</context>
<context>
    <name>QueueTable</name>
    <message>
        <location filename="../widgets.py" line="345"/>
        <source>业务</source>
        <translation>Line</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="346"/>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="347"/>
        <source>居委会/终端</source>
        <translation>Committee / kiosk</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="348"/>
        <source>优先</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="349"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="350"/>
        <source>已等候</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="356"/>
        <source>排队情况</source>
        <translation>Queue</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="356"/>
        <source>正在等候的居民，按业务和等候时间排列</source>
        <translation>Residents waiting, by business line and waiting time</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="363"/>
        <source>排队情况暂不可见（服务器未开放给本账号）</source>
        <translation>The queue is not shown to this account by the server</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="368"/>
        <source>%1 %2 人，最长 %3</source>
        <translation>%1: %2 waiting, longest %3</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="375"/>
        <source>无人排队</source>
        <translation>Nobody waiting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="379"/>
        <source>等候</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="380"/>
        <source>断线保留</source>
        <translation>held (offline)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="381"/>
        <source>振铃</source>
        <translation>ringing</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="382"/>
        <source>通话中</source>
        <translation>In a call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="389"/>
        <source>是</source>
        <translation>yes</translation>
    </message>
</context>
<context>
    <name>RingPanel</name>
    <message>
        <location filename="../widgets.py" line="289"/>
        <source>接听 (Enter)</source>
        <translation>Answer (Enter)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="289"/>
        <source>接听</source>
        <translation>Answer</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="289"/>
        <source>接听这个来电（回车）</source>
        <translation>Answer this call (Enter)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="292"/>
        <source>拒接 (Esc)</source>
        <translation>Decline (Esc)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="293"/>
        <source>拒接</source>
        <translation>Decline</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="294"/>
        <source>不接这个来电，转给其他工作人员（Esc）</source>
        <translation>Decline this call; it goes to another clerk (Esc)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="309"/>
        <source>来电</source>
        <translation>Incoming call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="310"/>
        <source>转接来电</source>
        <translation>Transferred call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="311"/>
        <source>邀请加入通话</source>
        <translation>Invitation to a call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="315"/>
        <source>（优先）</source>
        <translation> (priority)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="317"/>
        <source>%1，已等候 %2</source>
        <translation>%1, waited %2</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="321"/>
        <source>来自 %1</source>
        <translation>From %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets.py" line="327"/>
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
        <location filename="../widgets.py" line="205"/>
        <source>空闲接听 (F5)</source>
        <translation>Available (F5)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="206"/>
        <source>空闲接听</source>
        <translation>Available</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="207"/>
        <source>开始接听居民来电（F5）</source>
        <translation>Start taking residents&apos; calls (F5)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="210"/>
        <source>暂离 (F6)</source>
        <translation>Away (F6)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="210"/>
        <source>暂停接听来电（F6）</source>
        <translation>Stop taking calls for now (F6)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="246"/>
        <source>未上线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="247"/>
        <source>空闲，等待来电</source>
        <translation>Available, waiting for calls</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="248"/>
        <source>来电中</source>
        <translation>Ringing</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="249"/>
        <source>通话中</source>
        <translation>In a call</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="250"/>
        <source>整理中</source>
        <translation>Wrap-up</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="210"/>
        <location filename="../widgets.py" line="251"/>
        <source>暂离</source>
        <translation>Away</translation>
    </message>
    <message numerus="yes">
        <location filename="../widgets.py" line="256"/>
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
        <location filename="../window.py" line="203"/>
        <source>业务条线：%1</source>
        <translation>Business line: %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="205"/>
        <source>空闲</source>
        <translation>available</translation>
    </message>
    <message>
        <location filename="../window.py" line="206"/>
        <source>来电中</source>
        <translation>ringing</translation>
    </message>
    <message>
        <location filename="../window.py" line="207"/>
        <source>通话中</source>
        <translation>in a call</translation>
    </message>
    <message>
        <location filename="../window.py" line="208"/>
        <source>整理中</source>
        <translation>wrapping up</translation>
    </message>
    <message>
        <location filename="../window.py" line="209"/>
        <source>暂离</source>
        <translation>away</translation>
    </message>
    <message>
        <location filename="../window.py" line="210"/>
        <source>不在线</source>
        <translation>offline</translation>
    </message>
    <message>
        <location filename="../window.py" line="215"/>
        <source>工作人员：%1</source>
        <translation>Clerk: %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="220"/>
        <source>给对方的说明（可选）</source>
        <translation>A note for them (optional)</translation>
    </message>
    <message>
        <location filename="../window.py" line="221"/>
        <location filename="../window.py" line="223"/>
        <source>对象</source>
        <translation>Whom</translation>
    </message>
    <message>
        <location filename="../window.py" line="221"/>
        <source>选择业务条线或一位工作人员</source>
        <translation>Choose a business line or a clerk</translation>
    </message>
    <message>
        <location filename="../window.py" line="222"/>
        <source>给对方的说明，可不填</source>
        <translation>A note for them; optional</translation>
    </message>
    <message>
        <location filename="../window.py" line="231"/>
        <location filename="../window.py" line="233"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../window.py" line="232"/>
        <location filename="../window.py" line="234"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../window.py" line="233"/>
        <source>按所选对象进行</source>
        <translation>Go ahead with the one chosen</translation>
    </message>
    <message>
        <location filename="../window.py" line="234"/>
        <source>关闭这个窗口，不做改动</source>
        <translation>Close this window without changes</translation>
    </message>
    <message>
        <location filename="../window.py" line="222"/>
        <location filename="../window.py" line="224"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>VideoPane</name>
    <message>
        <location filename="../widgets.py" line="91"/>
        <source>居民视频</source>
        <extracomment>the invited third party (or, for the expert, the clerk)</extracomment>
        <translation>Resident&apos;s video</translation>
    </message>
</context>
<context>
    <name>console</name>
    <message>
        <location filename="../app.py" line="86"/>
        <source>无法连接</source>
        <translation>Cannot connect</translation>
    </message>
    <message>
        <location filename="../app.py" line="87"/>
        <source>服务器拒绝了连接：%1</source>
        <translation>The server refused the connection: %1</translation>
    </message>
    <message>
        <location filename="../window.py" line="70"/>
        <source>连不上服务器，请检查网络或联系管理员</source>
        <extracomment>texts the client and the model produce (Chinese source text), for the translators</extracomment>
        <translation>Cannot reach the server; check the network or call the administrator</translation>
    </message>
    <message>
        <location filename="../screenshots.py" line="309"/>
        <location filename="../window.py" line="71"/>
        <source>用户名或密码不对</source>
        <translation>Wrong username or password</translation>
    </message>
    <message>
        <location filename="../window.py" line="72"/>
        <source>登录失败次数太多，请稍后再试</source>
        <translation>Too many failed logins; try again later</translation>
    </message>
    <message>
        <location filename="../window.py" line="73"/>
        <source>服务器出错，请稍后再试</source>
        <translation>Server error; try again later</translation>
    </message>
    <message>
        <location filename="../window.py" line="74"/>
        <source>办件记录没有保存成功，请重试</source>
        <translation>The case record was not saved; please try again</translation>
    </message>
    <message>
        <location filename="../window.py" line="75"/>
        <source>找不到这个办件</source>
        <translation>This case cannot be found</translation>
    </message>
    <message>
        <location filename="../window.py" line="76"/>
        <source>这个办件已经办结，不能再修改</source>
        <translation>This case is closed and can no longer be changed</translation>
    </message>
    <message>
        <location filename="../window.py" line="77"/>
        <source>办件信息不完整，请检查后再提交</source>
        <translation>The case details are incomplete; check them and try again</translation>
    </message>
    <message>
        <location filename="../window.py" line="78"/>
        <source>找不到这页材料</source>
        <translation>This page cannot be found</translation>
    </message>
    <message>
        <location filename="../window.py" line="79"/>
        <source>这个办件的个人信息已过保存期限并已清除</source>
        <translation>This case&apos;s personal data was past its retention period and has been deleted</translation>
    </message>
    <message>
        <location filename="../window.py" line="80"/>
        <source>连不上记录服务，请检查网络</source>
        <translation>Cannot reach the records service; check the network</translation>
    </message>
    <message>
        <location filename="../window.py" line="81"/>
        <source>与服务器的连接中断，正在重连…</source>
        <translation>Lost the server connection, reconnecting…</translation>
    </message>
    <message>
        <location filename="../window.py" line="82"/>
        <source>操作失败，请重试</source>
        <translation>That failed; please try again</translation>
    </message>
    <message>
        <location filename="../window.py" line="83"/>
        <source>来电无人接听，已转给其他工作人员</source>
        <translation>The call was not answered and went to another clerk</translation>
    </message>
    <message>
        <location filename="../window.py" line="84"/>
        <source>居民已离开，来电取消</source>
        <translation>The resident left; the call was cancelled</translation>
    </message>
    <message>
        <location filename="../window.py" line="85"/>
        <source>居民端网络中断，等待重连…</source>
        <translation>The kiosk lost its connection; waiting for it…</translation>
    </message>
    <message>
        <location filename="../window.py" line="86"/>
        <source>现在不能这样操作</source>
        <translation>Not possible now</translation>
    </message>
    <message>
        <location filename="../window.py" line="87"/>
        <source>对方现在不在线或正忙</source>
        <translation>They are offline or busy</translation>
    </message>
    <message>
        <location filename="../window.py" line="88"/>
        <source>没有这位工作人员</source>
        <translation>No such clerk</translation>
    </message>
    <message>
        <location filename="../window.py" line="89"/>
        <source>没有这个业务条线</source>
        <translation>No such business line</translation>
    </message>
    <message>
        <location filename="../window.py" line="90"/>
        <source>服务器不允许此操作</source>
        <translation>The server does not allow this</translation>
    </message>
    <message>
        <location filename="../window.py" line="91"/>
        <source>不在通话中</source>
        <translation>Not in a call</translation>
    </message>
    <message>
        <location filename="../window.py" line="92"/>
        <source>服务器没有接受这个操作，请重试</source>
        <translation>The server did not accept this; please try again</translation>
    </message>
    <message>
        <location filename="../window.py" line="93"/>
        <source>操作太频繁，请稍等几秒再试</source>
        <translation>Too many requests; wait a few seconds and try again</translation>
    </message>
    <message>
        <location filename="../window.py" line="99"/>
        <source>居民端没有处理这条指令，请重试</source>
        <translation>The kiosk did not handle this command; please try again</translation>
    </message>
    <message>
        <location filename="../window.py" line="107"/>
        <source>居民没有放上身份证，未能重新读卡</source>
        <translation>The resident put no ID card on the reader: the card was not read again</translation>
    </message>
    <message>
        <location filename="../window.py" line="108"/>
        <source>居民端没能拍下材料：</source>
        <translation>The kiosk could not capture the material: </translation>
    </message>
    <message>
        <location filename="../window.py" line="109"/>
        <source>居民端没能打印回执，请告诉居民扫码查看</source>
        <translation>The kiosk could not print the receipt; tell the resident to scan the QR code instead</translation>
    </message>
    <message>
        <location filename="../window.py" line="94"/>
        <source>通话已结束</source>
        <translation>Call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="95"/>
        <source>居民端断线，通话结束</source>
        <translation>The kiosk dropped; the call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="96"/>
        <source>已转接，通话结束</source>
        <translation>Transferred; the call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="97"/>
        <source>本机断线，通话结束</source>
        <translation>This console dropped; the call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="98"/>
        <source>通话结束</source>
        <translation>The call ended</translation>
    </message>
    <message>
        <location filename="../window.py" line="100"/>
        <source>有一页材料没能下载，请让居民重扫</source>
        <translation>A page could not be downloaded; ask the resident to scan it again</translation>
    </message>
    <message>
        <location filename="../window.py" line="101"/>
        <source>受理前请先推送申请表并由居民确认签字</source>
        <translation>Before accepting, send the form for the resident to confirm and sign</translation>
    </message>
    <message>
        <location filename="../window.py" line="102"/>
        <source>请勾选需要补充的材料</source>
        <translation>Tick the materials that are missing</translation>
    </message>
    <message>
        <location filename="../window.py" line="103"/>
        <source>请填写转介去向</source>
        <translation>Say where the resident is referred to</translation>
    </message>
    <message>
        <location filename="../window.py" line="104"/>
        <source>请填写办不成的原因</source>
        <translation>Give the reason it cannot be done</translation>
    </message>
    <message>
        <location filename="../window.py" line="105"/>
        <source>退回材料请选择或填写原因</source>
        <translation>Choose or type a reason to reject a page</translation>
    </message>
    <message>
        <location filename="../window.py" line="106"/>
        <source>有一页材料无法显示，请让居民重扫</source>
        <translation>A page cannot be shown; ask the resident to scan it again</translation>
    </message>
</context>
</TS>
