<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>KioskTexts</name>
    <message>
        <location filename="../texts.py" line="25"/>
        <source>您好，点一下屏幕就可以开始办事。</source>
        <translation>Hello. Touch the screen to get started.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="26"/>
        <source>请选择您要办的事。</source>
        <translation>Please choose what you need to do.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="27"/>
        <source>请看一下要带的材料，带齐了请点确认。</source>
        <translation>Please check the documents you need. When you have them all, press confirm.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="28"/>
        <source>请把身份证放在读卡器上。</source>
        <translation>Please place your ID card on the reader.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="29"/>
        <source>正在为您排队，请稍等。</source>
        <translation>You are in the queue. Please wait a moment.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="30"/>
        <source>工作人员已经接通，请看上面的屏幕。</source>
        <translation>A clerk is on the line. Please look at the upper screen.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="31"/>
        <source>这是您的办事回执，可以打印或扫码查看。</source>
        <translation>Here is your receipt. You can print it or scan the code.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="32"/>
        <source>请为这次服务打个分。</source>
        <translation>Please rate this service.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="33"/>
        <source>谢谢，再见。请带好您的证件和材料。</source>
        <translation>Thank you, goodbye. Please take your ID card and papers.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="35"/>
        <source>身份证已经拿开了。请不要离开，工作人员还在为您办理。</source>
        <translation>Your ID card has been taken off. Please stay: the clerk is still helping you.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="38"/>
        <source>身份证读好了，请拿回您的身份证。</source>
        <translation>Your ID card has been read. Please take it back.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="39"/>
        <source>这张证件读不出来。不要紧，工作人员会在视频里为您核对身份。</source>
        <translation>This card cannot be read. Don&apos;t worry: the clerk will check your identity on video.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="42"/>
        <source>读卡器出了点问题。不要紧，工作人员会在视频里为您核对身份。</source>
        <translation>The card reader has a problem. Don&apos;t worry: the clerk will check your identity on video.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="45"/>
        <source>读卡器暂时不能用。不要紧，工作人员会在视频里为您核对身份。</source>
        <translation>The card reader is not working right now. Don&apos;t worry: the clerk will check your identity on video.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="48"/>
        <source>这件事必须读身份证，请把身份证放在读卡器上。</source>
        <translation>This service needs your ID card. Please place it on the reader.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="51"/>
        <source>好的，工作人员会在视频里为您核对身份。</source>
        <translation>All right. The clerk will check your identity on video.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="54"/>
        <source>请把工作人员要的材料放在拍摄台上。</source>
        <translation>Please put the document the clerk asked for on the document stand.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="56"/>
        <source>请把{name}放在拍摄台上。</source>
        <translation>Please put your {name} on the document stand.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="57"/>
        <source>没有读到身份证。不要紧，工作人员会在视频里为您核对身份。</source>
        <translation>No ID card was read. Never mind: the clerk will check your identity on video.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="55"/>
        <source>工作人员需要看一页材料</source>
        <translation>The clerk needs to see a page</translation>
    </message>
    <message>
        <location filename="../texts.py" line="60"/>
        <source>请看一下表上的内容，没有问题就签名确认。</source>
        <translation>Please check the form. If it is correct, sign to confirm.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="63"/>
        <source>网络不太稳，正在重新连接，请稍等。</source>
        <translation>The network is unstable. Reconnecting, please wait.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="64"/>
        <source>已经重新连上了。</source>
        <translation>Connected again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="65"/>
        <source>刚才的材料或签名没有传过去，请按工作人员的提示再来一次。</source>
        <translation>What you just gave did not get through. Please do it again when the clerk asks.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="68"/>
        <source>通话断开了。您的排队位置保留着，马上为您重新接通。</source>
        <translation>The call dropped. You keep your place in the queue; we are connecting you again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="71"/>
        <source>通话已经结束。</source>
        <translation>The call has ended.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="72"/>
        <source>网络断开，通话已经结束。</source>
        <translation>The network dropped and the call has ended.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="73"/>
        <source>工作人员那边断开了，通话已经结束。</source>
        <translation>The clerk&apos;s connection dropped and the call has ended.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="74"/>
        <source>系统出了点问题，通话已经结束。</source>
        <translation>Something went wrong in the system and the call has ended.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="75"/>
        <source>正在为您转给另一位工作人员。</source>
        <translation>You are being passed to another clerk.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="76"/>
        <source>现在没有工作人员在岗。</source>
        <translation>No clerk is on duty right now.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="77"/>
        <source>排队已经结束。</source>
        <translation>The queue has ended.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="78"/>
        <source>现在没有工作人员在岗，请换个时间再来。</source>
        <translation>No clerk is on duty right now. Please come back another time.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="81"/>
        <source>排队已经取消。</source>
        <translation>Your place in the queue has been cancelled.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="82"/>
        <source>系统出了点问题，请稍后再试。</source>
        <translation>Something went wrong in the system. Please try again later.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="83"/>
        <source>网络断开了，请稍后再试。</source>
        <translation>The network dropped. Please try again later.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="84"/>
        <source>您还在吗？还在就点一下屏幕。</source>
        <translation>Are you still there? If so, touch the screen.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="85"/>
        <source>轮到您了，工作人员马上接通。</source>
        <translation>It&apos;s your turn. The clerk will be with you in a moment.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="86"/>
        <source>网络断了一下，正在重连，您的排队位置保留着。</source>
        <translation>The network dropped for a moment. Reconnecting; you keep your place.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="89"/>
        <source>请先在签名框里签上您的名字。</source>
        <translation>Please sign your name in the box first.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="90"/>
        <source>这件事不能远程办，请到社区事务受理服务中心办理。</source>
        <translation>This service cannot be done remotely. Please go to the community affairs service center.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="93"/>
        <location filename="../texts.py" line="184"/>
        <source>这件事的材料清单暂时没有，工作人员会在视频里告诉您。</source>
        <translation>There is no document list for this service yet. The clerk will tell you on video.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="96"/>
        <source>请点一个表情来打分。</source>
        <translation>Please touch a face to rate.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="97"/>
        <source>打印机暂时不能用，请用手机扫二维码保存回执。</source>
        <translation>The printer is not working right now. Please scan the QR code with your phone to keep the receipt.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="100"/>
        <source>请拿回您的身份证。</source>
        <translation>Please take back your ID card.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="101"/>
        <source>有台设备出了点问题，工作人员会帮您。</source>
        <translation>A device has a problem. The clerk will help you.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="102"/>
        <source>摄像头出了点问题。</source>
        <translation>The camera has a problem.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="103"/>
        <source>摄像头出了点问题，工作人员会告诉您怎么办。</source>
        <translation>The camera has a problem. The clerk will tell you what to do.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="106"/>
        <source>拍摄台出了点问题。</source>
        <translation>The document stand has a problem.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="107"/>
        <source>拍摄台出了点问题，工作人员会告诉您怎么办。</source>
        <translation>The document stand has a problem. The clerk will tell you what to do.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="110"/>
        <source>签名板出了点问题。</source>
        <translation>The signature pad has a problem.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="112"/>
        <source>办不成事</source>
        <translation>Not solved</translation>
    </message>
    <message>
        <location filename="../texts.py" line="113"/>
        <source>事情没办成？请告诉我们原因</source>
        <translation>Not solved? Please tell us why</translation>
    </message>
    <message>
        <location filename="../texts.py" line="114"/>
        <source>材料要求没讲清楚</source>
        <translation>Document requirements unclear</translation>
    </message>
    <message>
        <location filename="../texts.py" line="115"/>
        <source>让我到别处去办</source>
        <translation>Sent somewhere else</translation>
    </message>
    <message>
        <location filename="../texts.py" line="116"/>
        <source>等得太久了</source>
        <translation>Waited too long</translation>
    </message>
    <message>
        <location filename="../texts.py" line="117"/>
        <source>机器不好用</source>
        <translation>The machine did not work</translation>
    </message>
    <message>
        <location filename="../texts.py" line="118"/>
        <source>其他原因</source>
        <translation>Another reason</translation>
    </message>
    <message>
        <location filename="../texts.py" line="119"/>
        <source>请点一个原因。</source>
        <translation>Please choose a reason.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="120"/>
        <source>已经记下了，会有专人跟进，帮您把事办成。</source>
        <translation>Noted. Someone will follow up and help you get it done.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="123"/>
        <source>其他事项</source>
        <translation>Other services</translation>
    </message>
    <message>
        <location filename="../texts.py" line="125"/>
        <source>民政</source>
        <translation>Civil affairs</translation>
    </message>
    <message>
        <location filename="../texts.py" line="126"/>
        <source>人社</source>
        <translation>Jobs and social security</translation>
    </message>
    <message>
        <location filename="../texts.py" line="127"/>
        <source>医保</source>
        <translation>Medical insurance</translation>
    </message>
    <message>
        <location filename="../texts.py" line="128"/>
        <source>残联</source>
        <translation>Disabled persons</translation>
    </message>
    <message>
        <location filename="../texts.py" line="129"/>
        <source>卫健</source>
        <translation>Health</translation>
    </message>
    <message>
        <location filename="../texts.py" line="130"/>
        <source>公安户政</source>
        <translation>Household registration</translation>
    </message>
    <message>
        <location filename="../texts.py" line="132"/>
        <location filename="../texts.py" line="192"/>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <location filename="../texts.py" line="133"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../texts.py" line="134"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../texts.py" line="135"/>
        <location filename="../texts.py" line="238"/>
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../texts.py" line="136"/>
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <location filename="../texts.py" line="137"/>
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <location filename="../texts.py" line="138"/>
        <source>第 {page} 页，共 {pages} 页</source>
        <translation>Page {page} of {pages}</translation>
    </message>
    <message>
        <location filename="../texts.py" line="139"/>
        <source>秒后回到首页</source>
        <translation>s, then back to start</translation>
    </message>
    <message>
        <location filename="../texts.py" line="140"/>
        <source>点一下屏幕就能继续</source>
        <translation>Touch the screen to continue</translation>
    </message>
    <message>
        <location filename="../texts.py" line="141"/>
        <location filename="../texts.py" line="295"/>
        <source>回到首页</source>
        <translation>Start page</translation>
    </message>
    <message>
        <location filename="../texts.py" line="142"/>
        <source>第 {number} 步，共 6 步：{name}</source>
        <translation>Step {number} of 6: {name}</translation>
    </message>
    <message>
        <location filename="../texts.py" line="143"/>
        <source>选事项</source>
        <translation>Choose a service</translation>
    </message>
    <message>
        <location filename="../texts.py" line="144"/>
        <source>看材料</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../texts.py" line="145"/>
        <source>读身份证</source>
        <translation>ID card</translation>
    </message>
    <message>
        <location filename="../texts.py" line="146"/>
        <source>排队</source>
        <translation>Queue</translation>
    </message>
    <message>
        <location filename="../texts.py" line="147"/>
        <source>视频办理</source>
        <translation>Video call</translation>
    </message>
    <message>
        <location filename="../texts.py" line="148"/>
        <source>回执和评价</source>
        <translation>Receipt and rating</translation>
    </message>
    <message>
        <location filename="../texts.py" line="150"/>
        <source>远程视频办事</source>
        <translation>Government services by video</translation>
    </message>
    <message>
        <location filename="../texts.py" line="151"/>
        <source>不用跑中心，在居委会就能和工作人员视频办事</source>
        <translation>No trip to the center: talk to a clerk by video right here</translation>
    </message>
    <message>
        <location filename="../texts.py" line="154"/>
        <source>开始办事</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../texts.py" line="155"/>
        <source>点一下上面的大按钮就开始</source>
        <translation>Touch the big button above to begin</translation>
    </message>
    <message>
        <location filename="../texts.py" line="156"/>
        <source>大字模式</source>
        <translation>Large text</translation>
    </message>
    <message>
        <location filename="../texts.py" line="157"/>
        <source>大字模式：已打开</source>
        <translation>Large text: on</translation>
    </message>
    <message>
        <location filename="../texts.py" line="158"/>
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../texts.py" line="160"/>
        <source>您要办什么事？</source>
        <translation>What do you need to do?</translation>
    </message>
    <message>
        <location filename="../texts.py" line="161"/>
        <source>按部门找</source>
        <translation>By department</translation>
    </message>
    <message>
        <location filename="../texts.py" line="162"/>
        <source>按名称找</source>
        <translation>By name</translation>
    </message>
    <message>
        <location filename="../texts.py" line="163"/>
        <source>点拼音首字母，比如“低保”点 D、B；也可以点常用词</source>
        <translation>Touch the pinyin initials, e.g. D, B for 低保, or a common word</translation>
    </message>
    <message>
        <location filename="../texts.py" line="166"/>
        <source>还没有输入</source>
        <translation>Nothing typed yet</translation>
    </message>
    <message>
        <location filename="../texts.py" line="167"/>
        <source>删一个</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../texts.py" line="168"/>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../texts.py" line="169"/>
        <source>没有找到。可以换个字母试试，或者按部门找。</source>
        <translation>Nothing found. Try other letters, or look by department.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="172"/>
        <source>找到 {count} 项</source>
        <translation>{count} found</translation>
    </message>
    <message>
        <location filename="../texts.py" line="173"/>
        <source>事项清单还没有加载，请稍等。</source>
        <translation>The list of services is not loaded yet. Please wait.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="174"/>
        <source>当场办结</source>
        <translation>done on the spot</translation>
    </message>
    <message>
        <location filename="../texts.py" line="175"/>
        <source>{days} 个工作日</source>
        <translation>{days} working days</translation>
    </message>
    <message>
        <location filename="../texts.py" line="177"/>
        <source>办这件事要带这些材料</source>
        <translation>Documents you need for</translation>
    </message>
    <message>
        <location filename="../texts.py" line="178"/>
        <source>一次告诉您全部材料，请对照看看带齐了没有</source>
        <translation>Here is the full list at once: please check you have everything</translation>
    </message>
    <message>
        <location filename="../texts.py" line="181"/>
        <source>办理时限：{limit}</source>
        <translation>Time to complete: {limit}</translation>
    </message>
    <message>
        <location filename="../texts.py" line="182"/>
        <source>材料带齐了，下一步</source>
        <translation>I have them all, next</translation>
    </message>
    <message>
        <location filename="../texts.py" line="183"/>
        <source>换一件事</source>
        <translation>Choose another</translation>
    </message>
    <message>
        <location filename="../texts.py" line="188"/>
        <source>请把身份证放在读卡器上</source>
        <translation>Please place your ID card on the reader</translation>
    </message>
    <message>
        <location filename="../texts.py" line="189"/>
        <source>读卡器在屏幕下方，放上去不要动，一会儿就好</source>
        <translation>The reader is below the screen. Leave the card on it; it takes a moment</translation>
    </message>
    <message>
        <location filename="../texts.py" line="190"/>
        <source>没带身份证，让工作人员核对</source>
        <translation>No ID card with me: let the clerk check</translation>
    </message>
    <message>
        <location filename="../texts.py" line="191"/>
        <source>继续，让工作人员核对身份</source>
        <translation>Continue: the clerk will check my identity</translation>
    </message>
    <message>
        <location filename="../texts.py" line="194"/>
        <source>正在为您排队</source>
        <translation>You are in the queue</translation>
    </message>
    <message>
        <location filename="../texts.py" line="195"/>
        <source>前面还有 {count} 位</source>
        <translation>{count} ahead of you</translation>
    </message>
    <message>
        <location filename="../texts.py" line="196"/>
        <source>下一位就是您</source>
        <translation>You are next</translation>
    </message>
    <message>
        <location filename="../texts.py" line="197"/>
        <source>正在查询排队情况…</source>
        <translation>Checking the queue…</translation>
    </message>
    <message>
        <location filename="../texts.py" line="198"/>
        <source>大约还要等 {minutes} 分钟</source>
        <translation>About {minutes} min to wait</translation>
    </message>
    <message>
        <location filename="../texts.py" line="199"/>
        <source>马上就到您</source>
        <translation>Almost your turn</translation>
    </message>
    <message>
        <location filename="../texts.py" line="200"/>
        <source>等待时间暂时算不出来</source>
        <translation>The waiting time cannot be estimated yet</translation>
    </message>
    <message>
        <location filename="../texts.py" line="201"/>
        <source>轮到您了，工作人员马上接通</source>
        <translation>It&apos;s your turn: the clerk will answer in a moment</translation>
    </message>
    <message>
        <location filename="../texts.py" line="202"/>
        <source>网络断了一下，您的位置保留着</source>
        <translation>The network dropped for a moment; you keep your place</translation>
    </message>
    <message>
        <location filename="../texts.py" line="203"/>
        <source>您是老年人，已为您优先排队</source>
        <translation>As a senior, you have priority in the queue</translation>
    </message>
    <message>
        <location filename="../texts.py" line="204"/>
        <source>请坐着稍等，接通后看上面的屏幕</source>
        <translation>Please take a seat. When connected, look at the upper screen</translation>
    </message>
    <message>
        <location filename="../texts.py" line="205"/>
        <source>不排了</source>
        <translation>Leave the queue</translation>
    </message>
    <message>
        <location filename="../texts.py" line="206"/>
        <source>您还在吗？</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <location filename="../texts.py" line="207"/>
        <source>我还在</source>
        <translation>I&apos;m here</translation>
    </message>
    <message>
        <location filename="../texts.py" line="209"/>
        <source>正在和工作人员视频通话</source>
        <translation>You are on a video call with a clerk</translation>
    </message>
    <message>
        <location filename="../texts.py" line="210"/>
        <source>工作人员{name}正在为您办理</source>
        <translation>{name} from the service center is helping you</translation>
    </message>
    <message>
        <location filename="../texts.py" line="211"/>
        <source>请看上面的屏幕，对着话筒说话就可以</source>
        <translation>Look at the upper screen and just speak to the microphone</translation>
    </message>
    <message>
        <location filename="../texts.py" line="212"/>
        <source>请把材料放在拍摄台上</source>
        <translation>Please put the document on the stand</translation>
    </message>
    <message>
        <location filename="../texts.py" line="213"/>
        <source>材料正面朝上放平，不用按任何按钮，工作人员会拍下来</source>
        <translation>Face up and flat. No button to press: the clerk takes the picture</translation>
    </message>
    <message>
        <location filename="../texts.py" line="216"/>
        <source>已经拍好的材料（{count} 页）</source>
        <translation>Pages sent ({count})</translation>
    </message>
    <message>
        <location filename="../texts.py" line="217"/>
        <source>第 {number} 页</source>
        <translation>Page {number}</translation>
    </message>
    <message>
        <location filename="../texts.py" line="218"/>
        <source>挂断</source>
        <translation>Hang up</translation>
    </message>
    <message>
        <location filename="../texts.py" line="219"/>
        <location filename="../texts.py" line="277"/>
        <source>网络不太稳，正在重新连接…</source>
        <translation>The network is unstable, reconnecting…</translation>
    </message>
    <message>
        <location filename="../texts.py" line="220"/>
        <source>请核对下面的内容</source>
        <translation>Please check the details below</translation>
    </message>
    <message>
        <location filename="../texts.py" line="221"/>
        <source>请在框里签名</source>
        <translation>Please sign in the box</translation>
    </message>
    <message>
        <location filename="../texts.py" line="222"/>
        <source>重签</source>
        <translation>Sign again</translation>
    </message>
    <message>
        <location filename="../texts.py" line="223"/>
        <source>内容没错，签名确认</source>
        <translation>Correct, sign to confirm</translation>
    </message>
    <message>
        <location filename="../texts.py" line="224"/>
        <source>内容没错，确认</source>
        <translation>Correct, confirm</translation>
    </message>
    <message>
        <location filename="../texts.py" line="225"/>
        <source>请更正</source>
        <translation>Please correct</translation>
    </message>
    <message>
        <location filename="../texts.py" line="226"/>
        <source>哪里不对？</source>
        <translation>What is wrong?</translation>
    </message>
    <message>
        <location filename="../texts.py" line="227"/>
        <source>姓名不对</source>
        <translation>The name is wrong</translation>
    </message>
    <message>
        <location filename="../texts.py" line="228"/>
        <source>证件号码不对</source>
        <translation>The ID number is wrong</translation>
    </message>
    <message>
        <location filename="../texts.py" line="229"/>
        <source>地址不对</source>
        <translation>The address is wrong</translation>
    </message>
    <message>
        <location filename="../texts.py" line="230"/>
        <source>电话不对</source>
        <translation>The phone number is wrong</translation>
    </message>
    <message>
        <location filename="../texts.py" line="231"/>
        <source>其他内容不对</source>
        <translation>Something else is wrong</translation>
    </message>
    <message>
        <location filename="../texts.py" line="233"/>
        <source>您的办事回执</source>
        <translation>Your receipt</translation>
    </message>
    <message>
        <location filename="../texts.py" line="234"/>
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../texts.py" line="235"/>
        <source>用手机扫一扫，随时查看办理进度</source>
        <translation>Scan with your phone to follow the case at any time</translation>
    </message>
    <message>
        <location filename="../texts.py" line="236"/>
        <source>还需要补交这些材料：</source>
        <translation>Still needed:</translation>
    </message>
    <message>
        <location filename="../texts.py" line="237"/>
        <source>打印回执</source>
        <translation>Print receipt</translation>
    </message>
    <message>
        <location filename="../texts.py" line="239"/>
        <source>已受理，正在办理</source>
        <translation>Accepted, being processed</translation>
    </message>
    <message>
        <location filename="../texts.py" line="240"/>
        <source>还差材料，补齐后就能办</source>
        <translation>Documents missing: it can be done once you bring them</translation>
    </message>
    <message>
        <location filename="../texts.py" line="241"/>
        <source>已为您转到相关部门办理</source>
        <translation>Passed to the department in charge</translation>
    </message>
    <message>
        <location filename="../texts.py" line="242"/>
        <source>这次没能办成</source>
        <translation>It could not be done this time</translation>
    </message>
    <message>
        <location filename="../texts.py" line="243"/>
        <source>已经办好了</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../texts.py" line="244"/>
        <source>已记录</source>
        <translation>Recorded</translation>
    </message>
    <message>
        <location filename="../texts.py" line="246"/>
        <source>这次服务您满意吗？</source>
        <translation>Were you satisfied with this service?</translation>
    </message>
    <message>
        <location filename="../texts.py" line="247"/>
        <source>非常满意</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <location filename="../texts.py" line="248"/>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <location filename="../texts.py" line="249"/>
        <source>基本满意</source>
        <translation>Fairly satisfied</translation>
    </message>
    <message>
        <location filename="../texts.py" line="250"/>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <location filename="../texts.py" line="251"/>
        <source>非常不满意</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <location filename="../texts.py" line="252"/>
        <source>可以再点几个原因（不点也行）</source>
        <translation>You may also pick some reasons (optional)</translation>
    </message>
    <message>
        <location filename="../texts.py" line="253"/>
        <source>态度好</source>
        <translation>Friendly</translation>
    </message>
    <message>
        <location filename="../texts.py" line="254"/>
        <source>讲得清楚</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../texts.py" line="255"/>
        <source>办得快</source>
        <translation>Fast</translation>
    </message>
    <message>
        <location filename="../texts.py" line="256"/>
        <source>等太久</source>
        <translation>Too slow</translation>
    </message>
    <message>
        <location filename="../texts.py" line="257"/>
        <source>没讲清楚</source>
        <translation>Unclear</translation>
    </message>
    <message>
        <location filename="../texts.py" line="258"/>
        <source>视频不清楚</source>
        <translation>Poor video</translation>
    </message>
    <message>
        <location filename="../texts.py" line="259"/>
        <location filename="../texts.py" line="320"/>
        <source>提交评价</source>
        <translation>Send rating</translation>
    </message>
    <message>
        <location filename="../texts.py" line="260"/>
        <source>不评了</source>
        <translation>Skip rating</translation>
    </message>
    <message>
        <location filename="../texts.py" line="262"/>
        <source>谢谢，再见！</source>
        <translation>Thank you, goodbye!</translation>
    </message>
    <message>
        <location filename="../texts.py" line="263"/>
        <source>请带好您的证件和材料</source>
        <translation>Please take your ID card and papers</translation>
    </message>
    <message>
        <location filename="../texts.py" line="264"/>
        <source>因为很久没有操作，这次办事已经结束，您的信息已经清除</source>
        <translation>Nothing happened for a long time, so this visit has ended and your data has been erased</translation>
    </message>
    <message>
        <location filename="../texts.py" line="267"/>
        <source>您的信息已经从这台机器上清除</source>
        <translation>Your data has been erased from this machine</translation>
    </message>
    <message>
        <location filename="../texts.py" line="269"/>
        <source>远程虚拟窗口</source>
        <translation>Remote service window</translation>
    </message>
    <message>
        <location filename="../texts.py" line="270"/>
        <source>请在触摸屏上开始办事</source>
        <translation>Please start on the touch screen</translation>
    </message>
    <message>
        <location filename="../texts.py" line="271"/>
        <source>工作人员：{name}</source>
        <translation>Clerk: {name}</translation>
    </message>
    <message>
        <location filename="../texts.py" line="272"/>
        <source>会商专家：{name}</source>
        <translation>Expert: {name}</translation>
    </message>
    <message>
        <location filename="../texts.py" line="273"/>
        <source>{number} 号窗口</source>
        <translation>Window {number}</translation>
    </message>
    <message>
        <location filename="../texts.py" line="274"/>
        <source>您自己</source>
        <translation>You</translation>
    </message>
    <message>
        <location filename="../texts.py" line="275"/>
        <source>排队中：前面还有 {count} 位，{eta}</source>
        <translation>In the queue: {count} ahead of you, {eta}</translation>
    </message>
    <message>
        <location filename="../texts.py" line="276"/>
        <source>正在接通工作人员…</source>
        <translation>Connecting to the clerk…</translation>
    </message>
    <message>
        <location filename="../texts.py" line="278"/>
        <source>通话中</source>
        <translation>On call</translation>
    </message>
    <message>
        <location filename="../texts.py" line="279"/>
        <source>信号好</source>
        <translation>Good signal</translation>
    </message>
    <message>
        <location filename="../texts.py" line="280"/>
        <source>信号一般</source>
        <translation>Fair signal</translation>
    </message>
    <message>
        <location filename="../texts.py" line="281"/>
        <source>信号差</source>
        <translation>Poor signal</translation>
    </message>
    <message>
        <location filename="../texts.py" line="283"/>
        <source>管理员退出：请输入密码</source>
        <translation>Administrator exit: enter the PIN</translation>
    </message>
    <message>
        <location filename="../texts.py" line="284"/>
        <source>密码不对</source>
        <translation>Wrong PIN</translation>
    </message>
    <message>
        <location filename="../texts.py" line="285"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../texts.py" line="287"/>
        <source>放上演示身份证</source>
        <translation>Put the demo ID card on</translation>
    </message>
    <message>
        <location filename="../texts.py" line="288"/>
        <source>取走演示身份证</source>
        <translation>Take the demo ID card off</translation>
    </message>
    <message>
        <location filename="../texts.py" line="289"/>
        <source>演示用：把演示身份证放到模拟读卡器上或取走（也可以按 F9）</source>
        <translation>Demo only: puts the demo ID card on the simulated reader or takes it off (or press F9)</translation>
    </message>
    <message>
        <location filename="../texts.py" line="292"/>
        <source>开始办一件事</source>
        <translation>Start a visit</translation>
    </message>
    <message>
        <location filename="../texts.py" line="293"/>
        <source>把字和按钮放大，看得更清楚</source>
        <translation>Makes the text and buttons larger and easier to see</translation>
    </message>
    <message>
        <location filename="../texts.py" line="294"/>
        <source>把屏幕上的文字换成这种语言</source>
        <translation>Shows the screen in this language</translation>
    </message>
    <message>
        <location filename="../texts.py" line="296"/>
        <source>按办事部门分类找事项</source>
        <translation>Find a service by department</translation>
    </message>
    <message>
        <location filename="../texts.py" line="297"/>
        <source>按事项名称的拼音首字母找事项</source>
        <translation>Find a service by the pinyin initials of its name</translation>
    </message>
    <message>
        <location filename="../texts.py" line="298"/>
        <source>列出这一类的事项</source>
        <translation>Lists the services of this kind</translation>
    </message>
    <message>
        <location filename="../texts.py" line="299"/>
        <source>选这件事，接着看要带的材料</source>
        <translation>Chooses this service; next come the materials to bring</translation>
    </message>
    <message>
        <location filename="../texts.py" line="300"/>
        <source>看上一页事项</source>
        <translation>Shows the previous page of services</translation>
    </message>
    <message>
        <location filename="../texts.py" line="301"/>
        <source>看下一页事项</source>
        <translation>Shows the next page of services</translation>
    </message>
    <message>
        <location filename="../texts.py" line="302"/>
        <source>输入这个拼音首字母查找事项</source>
        <translation>Types this pinyin initial to search for a service</translation>
    </message>
    <message>
        <location filename="../texts.py" line="303"/>
        <source>用这个词查找事项</source>
        <translation>Searches for services with this word</translation>
    </message>
    <message>
        <location filename="../texts.py" line="304"/>
        <source>删掉最后一个字母</source>
        <translation>Deletes the last letter</translation>
    </message>
    <message>
        <location filename="../texts.py" line="305"/>
        <source>清空查找内容</source>
        <translation>Clears the search</translation>
    </message>
    <message>
        <location filename="../texts.py" line="306"/>
        <source>材料已经带齐，下一步读身份证</source>
        <translation>All materials are here; next, the ID card is read</translation>
    </message>
    <message>
        <location filename="../texts.py" line="307"/>
        <source>不读身份证，继续排队</source>
        <translation>Goes on to the queue without reading the ID card</translation>
    </message>
    <message>
        <location filename="../texts.py" line="308"/>
        <source>不读身份证，工作人员会在视频里核对身份</source>
        <translation>Skips the ID card; the clerk checks your identity on video</translation>
    </message>
    <message>
        <location filename="../texts.py" line="309"/>
        <source>告诉自助机您还在，继续排队</source>
        <translation>Tells the kiosk you are still here and keeps your place in the queue</translation>
    </message>
    <message>
        <location filename="../texts.py" line="310"/>
        <source>擦掉签名，重新签</source>
        <translation>Erases the signature to sign again</translation>
    </message>
    <message>
        <location filename="../texts.py" line="311"/>
        <source>告诉工作人员表上哪一项要更正</source>
        <translation>Tells the clerk which entry of the form is wrong</translation>
    </message>
    <message>
        <location filename="../texts.py" line="312"/>
        <source>表上内容没有问题，确认并提交</source>
        <translation>Confirms the form is correct and sends it</translation>
    </message>
    <message>
        <location filename="../texts.py" line="313"/>
        <source>告诉工作人员这一项要更正</source>
        <translation>Tells the clerk this entry needs correcting</translation>
    </message>
    <message>
        <location filename="../texts.py" line="314"/>
        <source>回到签名</source>
        <translation>Back to signing</translation>
    </message>
    <message>
        <location filename="../texts.py" line="315"/>
        <source>结束和工作人员的视频通话</source>
        <translation>Ends the video call with the clerk</translation>
    </message>
    <message>
        <location filename="../texts.py" line="316"/>
        <source>打印办事回执</source>
        <translation>Prints the receipt</translation>
    </message>
    <message>
        <location filename="../texts.py" line="317"/>
        <source>看完回执，去评价这次服务</source>
        <translation>Done with the receipt; next, rate the service</translation>
    </message>
    <message>
        <location filename="../texts.py" line="318"/>
        <source>用这个评价这次服务</source>
        <translation>Rates the service with this</translation>
    </message>
    <message>
        <location filename="../texts.py" line="319"/>
        <source>选上或取消这条理由</source>
        <translation>Selects or clears this reason</translation>
    </message>
    <message>
        <location filename="../texts.py" line="321"/>
        <source>回到上一步</source>
        <translation>Goes back one step</translation>
    </message>
    <message>
        <location filename="../texts.py" line="322"/>
        <source>不再排队，回到首页</source>
        <translation>Leaves the queue and goes back to the start</translation>
    </message>
    <message>
        <location filename="../texts.py" line="323"/>
        <source>不评价，结束这次办事</source>
        <translation>Ends the visit without rating</translation>
    </message>
    <message>
        <location filename="../texts.py" line="324"/>
        <source>这件事办不成时，告诉我们原因</source>
        <translation>If this cannot be done, tell us why</translation>
    </message>
    <message>
        <location filename="../texts.py" line="325"/>
        <source>选这个原因</source>
        <translation>Chooses this reason</translation>
    </message>
    <message>
        <location filename="../texts.py" line="326"/>
        <source>关闭这个窗口</source>
        <translation>Closes this panel</translation>
    </message>
    <message>
        <location filename="../texts.py" line="327"/>
        <source>输入一位密码</source>
        <translation>Enters one digit of the PIN</translation>
    </message>
    <message>
        <location filename="../texts.py" line="328"/>
        <source>删掉最后一位密码</source>
        <translation>Deletes the last digit of the PIN</translation>
    </message>
    <message>
        <location filename="../texts.py" line="329"/>
        <source>确认密码，退出自助模式</source>
        <translation>Confirms the PIN and leaves kiosk mode</translation>
    </message>
    <message>
        <location filename="../texts.py" line="330"/>
        <source>签名板</source>
        <translation>Signature pad</translation>
    </message>
    <message>
        <location filename="../texts.py" line="331"/>
        <source>用手指在这里写下您的名字</source>
        <translation>Write your name here with your finger</translation>
    </message>
    <message>
        <location filename="../texts.py" line="332"/>
        <source>工作人员的视频</source>
        <translation>Clerk's video</translation>
    </message>
    <message>
        <location filename="../texts.py" line="333"/>
        <source>您自己的画面</source>
        <translation>Your own picture</translation>
    </message>
    <message>
        <location filename="../texts.py" line="334"/>
        <source>受邀专家的视频</source>
        <translation>Invited expert's video</translation>
    </message>
    <message>
        <location filename="../texts.py" line="335"/>
        <source>视频画面</source>
        <translation>Video picture</translation>
    </message>
    <message>
        <location filename="../texts.py" line="336"/>
        <source>还剩 {seconds} 秒</source>
        <translation>{seconds} seconds left</translation>
    </message>
    <message>
        <location filename="../texts.py" line="337"/>
        <source>时间到了会回到首页，碰一下屏幕可以继续</source>
        <translation>When the time runs out the kiosk goes back to the start; touch the screen to continue</translation>
    </message>
    <message>
        <location filename="../texts.py" line="340"/>
        <source>查询办理进度的二维码</source>
        <translation>QR code to follow the case</translation>
    </message>
    <message>
        <location filename="../texts.py" line="341"/>
        <source>用手机扫这个码，查看办理进度</source>
        <translation>Scan this code with a phone to follow the case</translation>
    </message>
    <message>
        <location filename="../texts.py" line="342"/>
        <source>把身份证放到读卡器上的示意图</source>
        <translation>Picture: the ID card placed on the reader</translation>
    </message>
    <message>
        <location filename="../texts.py" line="343"/>
        <source>工作人员收到的材料</source>
        <translation>A page the clerk received</translation>
    </message>
</context>
</TS>
