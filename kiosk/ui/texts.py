"""Every text the kiosk shows or speaks, by key: the flow's keys (``kiosk.flow`` ShowMessage,
Speak, reasons) and the screens' own. The source strings are the Chinese text; English comes
from ``kiosk/ui/i18n/kiosk_en.ts`` through Qt's translators, so :func:`text` must be called
when the text is shown, never cached across a language change."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

log = logging.getLogger(__name__)

CONTEXT = "KioskTexts"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Marks ``source`` for ``pyside6-lupdate`` (which looks for this name) and returns it
    unchanged; typed, unlike Qt's own."""
    return source


TEXTS: dict[str, str] = {
    # --- spoken when a screen appears (flow: Speak(f"speak.{screen}")) ---
    "speak.welcome": QT_TRANSLATE_NOOP("KioskTexts", "您好，点一下屏幕就可以开始办事。"),
    "speak.choose_item": QT_TRANSLATE_NOOP("KioskTexts", "请选择您要办的事。"),
    "speak.materials": QT_TRANSLATE_NOOP("KioskTexts", "请看一下要带的材料，带齐了请点确认。"),
    "speak.card": QT_TRANSLATE_NOOP("KioskTexts", "请把身份证放在读卡器上。"),
    "speak.waiting": QT_TRANSLATE_NOOP("KioskTexts", "正在为您排队，请稍等。"),
    "speak.in_call": QT_TRANSLATE_NOOP("KioskTexts", "工作人员已经接通，请看上面的屏幕。"),
    "speak.receipt": QT_TRANSLATE_NOOP("KioskTexts", "这是您的办事回执，可以打印或扫码查看。"),
    "speak.rating": QT_TRANSLATE_NOOP("KioskTexts", "请为这次服务打个分。"),
    "speak.goodbye": QT_TRANSLATE_NOOP("KioskTexts", "谢谢，再见。请带好您的证件和材料。"),
    # --- flow messages and prompts ---
    "card.removed.keep_nearby": QT_TRANSLATE_NOOP(
        "KioskTexts", "身份证已经拿开了。请不要离开，工作人员还在为您办理。"
    ),
    "card.read_ok": QT_TRANSLATE_NOOP("KioskTexts", "身份证读好了，请拿回您的身份证。"),
    "card.invalid.clerk_will_verify": QT_TRANSLATE_NOOP(
        "KioskTexts", "这张证件读不出来。不要紧，工作人员会在视频里为您核对身份。"
    ),
    "card.reader_failed.clerk_will_verify": QT_TRANSLATE_NOOP(
        "KioskTexts", "读卡器出了点问题。不要紧，工作人员会在视频里为您核对身份。"
    ),
    "card.reader_unavailable.clerk_will_verify": QT_TRANSLATE_NOOP(
        "KioskTexts", "读卡器暂时不能用。不要紧，工作人员会在视频里为您核对身份。"
    ),
    "card.required_for_item": QT_TRANSLATE_NOOP(
        "KioskTexts", "这件事必须读身份证，请把身份证放在读卡器上。"
    ),
    "card.skipped.clerk_will_verify": QT_TRANSLATE_NOOP(
        "KioskTexts", "好的，工作人员会在视频里为您核对身份。"
    ),
    "call.place_page": QT_TRANSLATE_NOOP("KioskTexts", "请把工作人员要的材料放在拍摄台上。"),
    "call.page_requested": QT_TRANSLATE_NOOP("KioskTexts", "工作人员需要看一页材料"),
    "call.place_material": QT_TRANSLATE_NOOP("KioskTexts", "请把{name}放在拍摄台上。"),
    "call.card_again_missing": QT_TRANSLATE_NOOP(
        "KioskTexts", "没有读到身份证。不要紧，工作人员会在视频里为您核对身份。"
    ),
    "call.confirm_form": QT_TRANSLATE_NOOP(
        "KioskTexts", "请看一下表上的内容，没有问题就签名确认。"
    ),
    "call.reconnecting": QT_TRANSLATE_NOOP("KioskTexts", "网络不太稳，正在重新连接，请稍等。"),
    "call.back": QT_TRANSLATE_NOOP("KioskTexts", "已经重新连上了。"),
    "call.upload_failed": QT_TRANSLATE_NOOP(
        "KioskTexts", "刚才的材料或签名没有传过去，请按工作人员的提示再来一次。"
    ),
    "call.requeued": QT_TRANSLATE_NOOP(
        "KioskTexts", "通话断开了。您的排队位置保留着，马上为您重新接通。"
    ),
    "call.ended": QT_TRANSLATE_NOOP("KioskTexts", "通话已经结束。"),
    "call.ended.kiosk_lost": QT_TRANSLATE_NOOP("KioskTexts", "网络断开，通话已经结束。"),
    "call.ended.clerk_lost": QT_TRANSLATE_NOOP("KioskTexts", "工作人员那边断开了，通话已经结束。"),
    "call.ended.server": QT_TRANSLATE_NOOP("KioskTexts", "系统出了点问题，通话已经结束。"),
    "call.ended.transferred": QT_TRANSLATE_NOOP("KioskTexts", "正在为您转给另一位工作人员。"),
    "call.ended.no_clerk": QT_TRANSLATE_NOOP("KioskTexts", "现在没有工作人员在岗。"),
    "queue.ended": QT_TRANSLATE_NOOP("KioskTexts", "排队已经结束。"),
    "queue.ended.no_clerk": QT_TRANSLATE_NOOP(
        "KioskTexts", "现在没有工作人员在岗，请换个时间再来。"
    ),
    "queue.ended.cancelled": QT_TRANSLATE_NOOP("KioskTexts", "排队已经取消。"),
    "queue.ended.server": QT_TRANSLATE_NOOP("KioskTexts", "系统出了点问题，请稍后再试。"),
    "queue.ended.kiosk_lost": QT_TRANSLATE_NOOP("KioskTexts", "网络断开了，请稍后再试。"),
    "waiting.still_there": QT_TRANSLATE_NOOP("KioskTexts", "您还在吗？还在就点一下屏幕。"),
    "waiting.clerk_coming": QT_TRANSLATE_NOOP("KioskTexts", "轮到您了，工作人员马上接通。"),
    "waiting.reconnecting_place_kept": QT_TRANSLATE_NOOP(
        "KioskTexts", "网络断了一下，正在重连，您的排队位置保留着。"
    ),
    "form.sign_first": QT_TRANSLATE_NOOP("KioskTexts", "请先在签名框里签上您的名字。"),
    "item.not_remote": QT_TRANSLATE_NOOP(
        "KioskTexts", "这件事不能远程办，请到社区事务受理服务中心办理。"
    ),
    "materials.unknown_ask_clerk": QT_TRANSLATE_NOOP(
        "KioskTexts", "这件事的材料清单暂时没有，工作人员会在视频里告诉您。"
    ),
    "rating.pick_level": QT_TRANSLATE_NOOP("KioskTexts", "请点一个表情来打分。"),
    "receipt.printer_unavailable.use_qr": QT_TRANSLATE_NOOP(
        "KioskTexts", "打印机暂时不能用，请用手机扫二维码保存回执。"
    ),
    "goodbye.take_card": QT_TRANSLATE_NOOP("KioskTexts", "请拿回您的身份证。"),
    "device.failed": QT_TRANSLATE_NOOP("KioskTexts", "有台设备出了点问题，工作人员会帮您。"),
    "device.camera.failed": QT_TRANSLATE_NOOP("KioskTexts", "摄像头出了点问题。"),
    "device.camera.failed.clerk_will_help": QT_TRANSLATE_NOOP(
        "KioskTexts", "摄像头出了点问题，工作人员会告诉您怎么办。"
    ),
    "device.scanner.failed": QT_TRANSLATE_NOOP("KioskTexts", "拍摄台出了点问题。"),
    "device.scanner.failed.clerk_will_help": QT_TRANSLATE_NOOP(
        "KioskTexts", "拍摄台出了点问题，工作人员会告诉您怎么办。"
    ),
    "device.signature_pad.failed": QT_TRANSLATE_NOOP("KioskTexts", "签名板出了点问题。"),
    # --- 办不成事 ---
    "cannot_be_done.button": QT_TRANSLATE_NOOP("KioskTexts", "办不成事"),
    "cannot_be_done.title": QT_TRANSLATE_NOOP("KioskTexts", "事情没办成？请告诉我们原因"),
    "cannot_be_done.materials_unclear": QT_TRANSLATE_NOOP("KioskTexts", "材料要求没讲清楚"),
    "cannot_be_done.sent_elsewhere": QT_TRANSLATE_NOOP("KioskTexts", "让我到别处去办"),
    "cannot_be_done.too_slow": QT_TRANSLATE_NOOP("KioskTexts", "等得太久了"),
    "cannot_be_done.device_failed": QT_TRANSLATE_NOOP("KioskTexts", "机器不好用"),
    "cannot_be_done.other": QT_TRANSLATE_NOOP("KioskTexts", "其他原因"),
    "cannot_be_done.pick_reason": QT_TRANSLATE_NOOP("KioskTexts", "请点一个原因。"),
    "cannot_be_done.recorded": QT_TRANSLATE_NOOP(
        "KioskTexts", "已经记下了，会有专人跟进，帮您把事办成。"
    ),
    "department.other": QT_TRANSLATE_NOOP("KioskTexts", "其他事项"),
    # business lines (shared.catalog.SKILLS), as the department buttons show them
    "skill.minzheng": QT_TRANSLATE_NOOP("KioskTexts", "民政"),
    "skill.renshe": QT_TRANSLATE_NOOP("KioskTexts", "人社"),
    "skill.yibao": QT_TRANSLATE_NOOP("KioskTexts", "医保"),
    "skill.canlian": QT_TRANSLATE_NOOP("KioskTexts", "残联"),
    "skill.weijian": QT_TRANSLATE_NOOP("KioskTexts", "卫健"),
    "skill.huzheng": QT_TRANSLATE_NOOP("KioskTexts", "公安户政"),
    # --- common ---
    "common.back": QT_TRANSLATE_NOOP("KioskTexts", "返回"),
    "common.cancel": QT_TRANSLATE_NOOP("KioskTexts", "取消"),
    "common.ok": QT_TRANSLATE_NOOP("KioskTexts", "确定"),
    "common.next": QT_TRANSLATE_NOOP("KioskTexts", "下一步"),
    "common.prev_page": QT_TRANSLATE_NOOP("KioskTexts", "上一页"),
    "common.next_page": QT_TRANSLATE_NOOP("KioskTexts", "下一页"),
    "common.page_of": QT_TRANSLATE_NOOP("KioskTexts", "第 {page} 页，共 {pages} 页"),
    "countdown.back_home": QT_TRANSLATE_NOOP("KioskTexts", "秒后回到首页"),
    "countdown.touch_to_stay": QT_TRANSLATE_NOOP("KioskTexts", "点一下屏幕就能继续"),
    "footer.home": QT_TRANSLATE_NOOP("KioskTexts", "回到首页"),
    "step.progress": QT_TRANSLATE_NOOP("KioskTexts", "第 {number} 步，共 6 步：{name}"),
    "step.choose_item": QT_TRANSLATE_NOOP("KioskTexts", "选事项"),
    "step.materials": QT_TRANSLATE_NOOP("KioskTexts", "看材料"),
    "step.card": QT_TRANSLATE_NOOP("KioskTexts", "读身份证"),
    "step.waiting": QT_TRANSLATE_NOOP("KioskTexts", "排队"),
    "step.in_call": QT_TRANSLATE_NOOP("KioskTexts", "视频办理"),
    "step.receipt": QT_TRANSLATE_NOOP("KioskTexts", "回执和评价"),
    # --- welcome ---
    "welcome.title": QT_TRANSLATE_NOOP("KioskTexts", "远程视频办事"),
    "welcome.subtitle": QT_TRANSLATE_NOOP(
        "KioskTexts", "不用跑中心，在居委会就能和工作人员视频办事"
    ),
    "welcome.start": QT_TRANSLATE_NOOP("KioskTexts", "开始办事"),
    "welcome.hint": QT_TRANSLATE_NOOP("KioskTexts", "点一下上面的大按钮就开始"),
    "welcome.elderly": QT_TRANSLATE_NOOP("KioskTexts", "大字模式"),
    "welcome.elderly_on": QT_TRANSLATE_NOOP("KioskTexts", "大字模式：已打开"),
    "welcome.language": QT_TRANSLATE_NOOP("KioskTexts", "语言"),
    # --- choose item ---
    "choose.title": QT_TRANSLATE_NOOP("KioskTexts", "您要办什么事？"),
    "choose.by_department": QT_TRANSLATE_NOOP("KioskTexts", "按部门找"),
    "choose.search": QT_TRANSLATE_NOOP("KioskTexts", "按名称找"),
    "choose.search_hint": QT_TRANSLATE_NOOP(
        "KioskTexts", "点拼音首字母，比如“低保”点 D、B；也可以点常用词"
    ),
    "choose.query_empty": QT_TRANSLATE_NOOP("KioskTexts", "还没有输入"),
    "choose.delete": QT_TRANSLATE_NOOP("KioskTexts", "删一个"),
    "choose.clear": QT_TRANSLATE_NOOP("KioskTexts", "清空"),
    "choose.no_result": QT_TRANSLATE_NOOP(
        "KioskTexts", "没有找到。可以换个字母试试，或者按部门找。"
    ),
    "choose.result_count": QT_TRANSLATE_NOOP("KioskTexts", "找到 {count} 项"),
    "choose.no_items": QT_TRANSLATE_NOOP("KioskTexts", "事项清单还没有加载，请稍等。"),
    "choose.settled_on_spot": QT_TRANSLATE_NOOP("KioskTexts", "当场办结"),
    "choose.days": QT_TRANSLATE_NOOP("KioskTexts", "{days} 个工作日"),
    # --- materials ---
    "materials.title": QT_TRANSLATE_NOOP("KioskTexts", "办这件事要带这些材料"),
    "materials.all_at_once": QT_TRANSLATE_NOOP(
        "KioskTexts", "一次告诉您全部材料，请对照看看带齐了没有"
    ),
    "materials.time_limit": QT_TRANSLATE_NOOP("KioskTexts", "办理时限：{limit}"),
    "materials.confirm": QT_TRANSLATE_NOOP("KioskTexts", "材料带齐了，下一步"),
    "materials.back": QT_TRANSLATE_NOOP("KioskTexts", "换一件事"),
    "materials.none_listed": QT_TRANSLATE_NOOP(
        "KioskTexts", "这件事的材料清单暂时没有，工作人员会在视频里告诉您。"
    ),
    # --- card ---
    "card.title": QT_TRANSLATE_NOOP("KioskTexts", "请把身份证放在读卡器上"),
    "card.hint": QT_TRANSLATE_NOOP("KioskTexts", "读卡器在屏幕下方，放上去不要动，一会儿就好"),
    "card.skip": QT_TRANSLATE_NOOP("KioskTexts", "没带身份证，让工作人员核对"),
    "card.continue": QT_TRANSLATE_NOOP("KioskTexts", "继续，让工作人员核对身份"),
    "card.back": QT_TRANSLATE_NOOP("KioskTexts", "返回"),
    # --- waiting ---
    "waiting.title": QT_TRANSLATE_NOOP("KioskTexts", "正在为您排队"),
    "waiting.position": QT_TRANSLATE_NOOP("KioskTexts", "前面还有 {count} 位"),
    "waiting.next": QT_TRANSLATE_NOOP("KioskTexts", "下一位就是您"),
    "waiting.connecting": QT_TRANSLATE_NOOP("KioskTexts", "正在查询排队情况…"),
    "waiting.eta": QT_TRANSLATE_NOOP("KioskTexts", "大约还要等 {minutes} 分钟"),
    "waiting.eta_soon": QT_TRANSLATE_NOOP("KioskTexts", "马上就到您"),
    "waiting.eta_unknown": QT_TRANSLATE_NOOP("KioskTexts", "等待时间暂时算不出来"),
    "waiting.ringing": QT_TRANSLATE_NOOP("KioskTexts", "轮到您了，工作人员马上接通"),
    "waiting.held": QT_TRANSLATE_NOOP("KioskTexts", "网络断了一下，您的位置保留着"),
    "waiting.priority": QT_TRANSLATE_NOOP("KioskTexts", "您是老年人，已为您优先排队"),
    "waiting.hint": QT_TRANSLATE_NOOP("KioskTexts", "请坐着稍等，接通后看上面的屏幕"),
    "waiting.leave": QT_TRANSLATE_NOOP("KioskTexts", "不排了"),
    "waiting.still_there_title": QT_TRANSLATE_NOOP("KioskTexts", "您还在吗？"),
    "waiting.still_there_button": QT_TRANSLATE_NOOP("KioskTexts", "我还在"),
    # --- in call ---
    "in_call.title": QT_TRANSLATE_NOOP("KioskTexts", "正在和工作人员视频通话"),
    "in_call.title_named": QT_TRANSLATE_NOOP("KioskTexts", "工作人员{name}正在为您办理"),
    "in_call.hint": QT_TRANSLATE_NOOP("KioskTexts", "请看上面的屏幕，对着话筒说话就可以"),
    "in_call.place_page": QT_TRANSLATE_NOOP("KioskTexts", "请把材料放在拍摄台上"),
    "in_call.place_page_hint": QT_TRANSLATE_NOOP(
        "KioskTexts", "材料正面朝上放平，不用按任何按钮，工作人员会拍下来"
    ),
    "in_call.pages": QT_TRANSLATE_NOOP("KioskTexts", "已经拍好的材料（{count} 页）"),
    "in_call.page_label": QT_TRANSLATE_NOOP("KioskTexts", "第 {number} 页"),
    "in_call.hang_up": QT_TRANSLATE_NOOP("KioskTexts", "挂断"),
    "in_call.reconnecting": QT_TRANSLATE_NOOP("KioskTexts", "网络不太稳，正在重新连接…"),
    "form.check": QT_TRANSLATE_NOOP("KioskTexts", "请核对下面的内容"),
    "form.sign_here": QT_TRANSLATE_NOOP("KioskTexts", "请在框里签名"),
    "form.clear": QT_TRANSLATE_NOOP("KioskTexts", "重签"),
    "form.confirm_sign": QT_TRANSLATE_NOOP("KioskTexts", "内容没错，签名确认"),
    "form.confirm": QT_TRANSLATE_NOOP("KioskTexts", "内容没错，确认"),
    "form.correct": QT_TRANSLATE_NOOP("KioskTexts", "请更正"),
    "form.correct_title": QT_TRANSLATE_NOOP("KioskTexts", "哪里不对？"),
    "form.correct.name": QT_TRANSLATE_NOOP("KioskTexts", "姓名不对"),
    "form.correct.id": QT_TRANSLATE_NOOP("KioskTexts", "证件号码不对"),
    "form.correct.address": QT_TRANSLATE_NOOP("KioskTexts", "地址不对"),
    "form.correct.phone": QT_TRANSLATE_NOOP("KioskTexts", "电话不对"),
    "form.correct.other": QT_TRANSLATE_NOOP("KioskTexts", "其他内容不对"),
    # --- receipt ---
    "receipt.title": QT_TRANSLATE_NOOP("KioskTexts", "您的办事回执"),
    "receipt.case_number": QT_TRANSLATE_NOOP("KioskTexts", "办件编号"),
    "receipt.scan": QT_TRANSLATE_NOOP("KioskTexts", "用手机扫一扫，随时查看办理进度"),
    "receipt.missing": QT_TRANSLATE_NOOP("KioskTexts", "还需要补交这些材料："),
    "receipt.print": QT_TRANSLATE_NOOP("KioskTexts", "打印回执"),
    "receipt.done": QT_TRANSLATE_NOOP("KioskTexts", "下一步"),
    "outcome.accepted": QT_TRANSLATE_NOOP("KioskTexts", "已受理，正在办理"),
    "outcome.needs_more": QT_TRANSLATE_NOOP("KioskTexts", "还差材料，补齐后就能办"),
    "outcome.referred": QT_TRANSLATE_NOOP("KioskTexts", "已为您转到相关部门办理"),
    "outcome.cannot_be_done": QT_TRANSLATE_NOOP("KioskTexts", "这次没能办成"),
    "outcome.done": QT_TRANSLATE_NOOP("KioskTexts", "已经办好了"),
    "outcome.unknown": QT_TRANSLATE_NOOP("KioskTexts", "已记录"),
    # --- rating ---
    "rating.title": QT_TRANSLATE_NOOP("KioskTexts", "这次服务您满意吗？"),
    "rating.level.5": QT_TRANSLATE_NOOP("KioskTexts", "非常满意"),
    "rating.level.4": QT_TRANSLATE_NOOP("KioskTexts", "满意"),
    "rating.level.3": QT_TRANSLATE_NOOP("KioskTexts", "基本满意"),
    "rating.level.2": QT_TRANSLATE_NOOP("KioskTexts", "不满意"),
    "rating.level.1": QT_TRANSLATE_NOOP("KioskTexts", "非常不满意"),
    "rating.reasons": QT_TRANSLATE_NOOP("KioskTexts", "可以再点几个原因（不点也行）"),
    "rating.reason.friendly": QT_TRANSLATE_NOOP("KioskTexts", "态度好"),
    "rating.reason.clear": QT_TRANSLATE_NOOP("KioskTexts", "讲得清楚"),
    "rating.reason.fast": QT_TRANSLATE_NOOP("KioskTexts", "办得快"),
    "rating.reason.slow": QT_TRANSLATE_NOOP("KioskTexts", "等太久"),
    "rating.reason.unclear": QT_TRANSLATE_NOOP("KioskTexts", "没讲清楚"),
    "rating.reason.video": QT_TRANSLATE_NOOP("KioskTexts", "视频不清楚"),
    "rating.submit": QT_TRANSLATE_NOOP("KioskTexts", "提交评价"),
    "rating.skip": QT_TRANSLATE_NOOP("KioskTexts", "不评了"),
    # --- goodbye ---
    "goodbye.title": QT_TRANSLATE_NOOP("KioskTexts", "谢谢，再见！"),
    "goodbye.hint": QT_TRANSLATE_NOOP("KioskTexts", "请带好您的证件和材料"),
    "goodbye.ended_timeout": QT_TRANSLATE_NOOP(
        "KioskTexts", "因为很久没有操作，这次办事已经结束，您的信息已经清除"
    ),
    "goodbye.wiped": QT_TRANSLATE_NOOP("KioskTexts", "您的信息已经从这台机器上清除"),
    # --- upper screen ---
    "upper.title": QT_TRANSLATE_NOOP("KioskTexts", "远程虚拟窗口"),
    "upper.idle": QT_TRANSLATE_NOOP("KioskTexts", "请在触摸屏上开始办事"),
    "upper.clerk": QT_TRANSLATE_NOOP("KioskTexts", "工作人员：{name}"),
    "upper.guest": QT_TRANSLATE_NOOP("KioskTexts", "会商专家：{name}"),
    "upper.window": QT_TRANSLATE_NOOP("KioskTexts", "{number} 号窗口"),
    "upper.you": QT_TRANSLATE_NOOP("KioskTexts", "您自己"),
    "status.queue": QT_TRANSLATE_NOOP("KioskTexts", "排队中：前面还有 {count} 位，{eta}"),
    "status.connecting": QT_TRANSLATE_NOOP("KioskTexts", "正在接通工作人员…"),
    "status.reconnecting": QT_TRANSLATE_NOOP("KioskTexts", "网络不太稳，正在重新连接…"),
    "status.in_call": QT_TRANSLATE_NOOP("KioskTexts", "通话中"),
    "status.quality.good": QT_TRANSLATE_NOOP("KioskTexts", "信号好"),
    "status.quality.fair": QT_TRANSLATE_NOOP("KioskTexts", "信号一般"),
    "status.quality.poor": QT_TRANSLATE_NOOP("KioskTexts", "信号差"),
    # --- admin ---
    "admin.title": QT_TRANSLATE_NOOP("KioskTexts", "管理员退出：请输入密码"),
    "admin.wrong": QT_TRANSLATE_NOOP("KioskTexts", "密码不对"),
    "admin.delete": QT_TRANSLATE_NOOP("KioskTexts", "删除"),
    # --- accessibility (what a screen reader says) and the demo's card control ---
    "demo.card.put": QT_TRANSLATE_NOOP("KioskTexts", "放上演示身份证"),
    "demo.card.take": QT_TRANSLATE_NOOP("KioskTexts", "取走演示身份证"),
    "a11y.demo_card": QT_TRANSLATE_NOOP(
        "KioskTexts", "演示用：把演示身份证放到模拟读卡器上或取走（也可以按 F9）"
    ),
    "a11y.start": QT_TRANSLATE_NOOP("KioskTexts", "开始办一件事"),
    "a11y.elderly": QT_TRANSLATE_NOOP("KioskTexts", "把字和按钮放大，看得更清楚"),
    "a11y.language": QT_TRANSLATE_NOOP("KioskTexts", "把屏幕上的文字换成这种语言"),
    "a11y.home": QT_TRANSLATE_NOOP("KioskTexts", "回到首页"),
    "a11y.by_department": QT_TRANSLATE_NOOP("KioskTexts", "按办事部门分类找事项"),
    "a11y.by_search": QT_TRANSLATE_NOOP("KioskTexts", "按事项名称的拼音首字母找事项"),
    "a11y.department": QT_TRANSLATE_NOOP("KioskTexts", "列出这一类的事项"),
    "a11y.item": QT_TRANSLATE_NOOP("KioskTexts", "选这件事，接着看要带的材料"),
    "a11y.prev_page": QT_TRANSLATE_NOOP("KioskTexts", "看上一页事项"),
    "a11y.next_page": QT_TRANSLATE_NOOP("KioskTexts", "看下一页事项"),
    "a11y.letter": QT_TRANSLATE_NOOP("KioskTexts", "输入这个拼音首字母查找事项"),
    "a11y.keyword": QT_TRANSLATE_NOOP("KioskTexts", "用这个词查找事项"),
    "a11y.delete_letter": QT_TRANSLATE_NOOP("KioskTexts", "删掉最后一个字母"),
    "a11y.clear_query": QT_TRANSLATE_NOOP("KioskTexts", "清空查找内容"),
    "a11y.materials_confirm": QT_TRANSLATE_NOOP("KioskTexts", "材料已经带齐，下一步读身份证"),
    "a11y.card_continue": QT_TRANSLATE_NOOP("KioskTexts", "不读身份证，继续排队"),
    "a11y.card_skip": QT_TRANSLATE_NOOP("KioskTexts", "不读身份证，工作人员会在视频里核对身份"),
    "a11y.still_there": QT_TRANSLATE_NOOP("KioskTexts", "告诉自助机您还在，继续排队"),
    "a11y.sign_clear": QT_TRANSLATE_NOOP("KioskTexts", "擦掉签名，重新签"),
    "a11y.correct": QT_TRANSLATE_NOOP("KioskTexts", "告诉工作人员表上哪一项要更正"),
    "a11y.confirm_form": QT_TRANSLATE_NOOP("KioskTexts", "表上内容没有问题，确认并提交"),
    "a11y.correction": QT_TRANSLATE_NOOP("KioskTexts", "告诉工作人员这一项要更正"),
    "a11y.back_to_sign": QT_TRANSLATE_NOOP("KioskTexts", "回到签名"),
    "a11y.hang_up": QT_TRANSLATE_NOOP("KioskTexts", "结束和工作人员的视频通话"),
    "a11y.print": QT_TRANSLATE_NOOP("KioskTexts", "打印办事回执"),
    "a11y.receipt_done": QT_TRANSLATE_NOOP("KioskTexts", "看完回执，去评价这次服务"),
    "a11y.face": QT_TRANSLATE_NOOP("KioskTexts", "用这个评价这次服务"),
    "a11y.reason": QT_TRANSLATE_NOOP("KioskTexts", "选上或取消这条理由"),
    "a11y.submit_rating": QT_TRANSLATE_NOOP("KioskTexts", "提交评价"),
    "a11y.back_step": QT_TRANSLATE_NOOP("KioskTexts", "回到上一步"),
    "a11y.leave_queue": QT_TRANSLATE_NOOP("KioskTexts", "不再排队，回到首页"),
    "a11y.skip_rating": QT_TRANSLATE_NOOP("KioskTexts", "不评价，结束这次办事"),
    "a11y.cannot_be_done": QT_TRANSLATE_NOOP("KioskTexts", "这件事办不成时，告诉我们原因"),
    "a11y.cannot_reason": QT_TRANSLATE_NOOP("KioskTexts", "选这个原因"),
    "a11y.cancel": QT_TRANSLATE_NOOP("KioskTexts", "关闭这个窗口"),
    "a11y.pin_digit": QT_TRANSLATE_NOOP("KioskTexts", "输入一位密码"),
    "a11y.pin_delete": QT_TRANSLATE_NOOP("KioskTexts", "删掉最后一位密码"),
    "a11y.pin_ok": QT_TRANSLATE_NOOP("KioskTexts", "确认密码，退出自助模式"),
    "a11y.signature_pad": QT_TRANSLATE_NOOP("KioskTexts", "签名板"),
    "a11y.signature_pad_hint": QT_TRANSLATE_NOOP("KioskTexts", "用手指在这里写下您的名字"),
    "a11y.clerk_video": QT_TRANSLATE_NOOP("KioskTexts", "工作人员的视频"),
    "a11y.own_video": QT_TRANSLATE_NOOP("KioskTexts", "您自己的画面"),
    "a11y.guest_video": QT_TRANSLATE_NOOP("KioskTexts", "受邀专家的视频"),
    "a11y.video": QT_TRANSLATE_NOOP("KioskTexts", "视频画面"),
    "a11y.countdown": QT_TRANSLATE_NOOP("KioskTexts", "还剩 {seconds} 秒"),
    "a11y.countdown_hint": QT_TRANSLATE_NOOP(
        "KioskTexts", "时间到了会回到首页，碰一下屏幕可以继续"
    ),
    "a11y.qr": QT_TRANSLATE_NOOP("KioskTexts", "查询办理进度的二维码"),
    "a11y.qr_hint": QT_TRANSLATE_NOOP("KioskTexts", "用手机扫这个码，查看办理进度"),
    "a11y.card_animation": QT_TRANSLATE_NOOP("KioskTexts", "把身份证放到读卡器上的示意图"),
    "a11y.page": QT_TRANSLATE_NOOP("KioskTexts", "工作人员收到的材料"),
    # --- languages (each shown in its own language, so never translated) ---
    "language.zh_CN": "中文",
    "language.en": "English",
}

#: keys whose text is the same in every language
UNTRANSLATED = frozenset({"language.zh_CN", "language.en"})

#: keys that may be followed by a variable part (``call.ended.<reason>``...): the longest
#: known prefix answers when the exact key is unknown
_FALLBACK_PREFIXES = ("call.ended", "queue.ended", "device", "outcome")


def text(key: str, **values: object) -> str:
    """The text of ``key`` in the current language, with ``{name}`` fields filled in.
    An unknown key gives the nearest general text (never the raw key to a resident)."""
    source = TEXTS.get(key)
    if source is None:
        source = _fallback(key)
    translated = (
        source if key in UNTRANSLATED else QCoreApplication.translate(CONTEXT, source)
    )
    if values:
        try:
            return translated.format(**values)
        except (KeyError, IndexError, ValueError):
            log.warning("text %s: placeholders do not match %s", key, sorted(values))
            return source.format(**values)
    return translated


class Later:
    """A text looked up when it is formatted into another one (``{eta}`` in a status line),
    so both follow the language of the moment. Equal when key and values are."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values

    def __format__(self, spec: str) -> str:
        return text(self.key, **self.values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Later) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted(self.values.items()))))


def _fallback(key: str) -> str:
    for prefix in _FALLBACK_PREFIXES:
        if key.startswith(prefix + "."):
            general = TEXTS.get(f"{prefix}.failed" if prefix == "device" else prefix)
            if general is None and prefix == "outcome":
                general = TEXTS["outcome.unknown"]
            if general is not None:
                return general
    if not _looks_like_key(key):
        # a free-text note from the clerk ("请把户口簿本人页放上来") is shown as it is
        return key
    log.warning("no text for key %r", key)
    return TEXTS["device.failed"]


def _looks_like_key(value: str) -> bool:
    return bool(value) and value.isascii() and " " not in value and "." in value
