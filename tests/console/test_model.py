"""The console's rules without Qt or network."""

from __future__ import annotations

import datetime as dt

from center.console import model
from shared import protocol as p
from shared.call import messages as m

MATERIALS = ("书面申请（老年照护统一需求评估）", "身份证", "社保卡（医保卡）等相关材料")


def call() -> p.CallInfo:
    return p.CallInfo(
        call_id="c1",
        request_id="r1",
        you_offer=False,
        peer_name="测试机1",
        item_code="YB-003",
        item_name="长期护理保险申请",
    )


def announce(page_id: str, label: str) -> m.PageAnnounced:
    return m.PageAnnounced(
        page_id=page_id, sha256="", size=10, mime="image/png", width=1, height=1,
        path="upload", label=label,
    )


def test_wrap_up_counts_down_on_the_server_clock_and_only_then() -> None:
    clerk = model.ClerkStateView()
    clerk.update(p.ClerkStatus(state=p.ClerkState.WRAP_UP, since=100.0, until=130.0))
    assert clerk.wrap_up_left_s(100.0) == 30
    assert clerk.wrap_up_left_s(129.2) == 1
    assert clerk.wrap_up_left_s(140.0) == 0
    assert clerk.can_switch()
    clerk.update(p.ClerkStatus(state=p.ClerkState.BUSY, since=140.0))
    assert clerk.wrap_up_left_s(141.0) is None
    assert not clerk.can_switch()
    clerk.update(p.ClerkStatus(state=p.ClerkState.RINGING, since=150.0))
    assert not clerk.can_switch()


def test_queue_puts_own_skills_first_then_priority_then_longest_wait() -> None:
    queue = model.QueueView()
    entries = [
        ("a", "minzheng", p.Priority.NORMAL, 50.0),
        ("b", "yibao", p.Priority.NORMAL, 10.0),
        ("c", "yibao", p.Priority.PRIORITY, 5.0),
        ("d", "yibao", p.Priority.NORMAL, 30.0),
    ]
    snapshot = p.CenterSnapshot(
        center_id="x",
        at=1000.0,
        clerks=[],
        queue=[
            p.QueueEntryView(
                request_id=rid, item_code="YB-003", skill=skill, priority=priority,
                status=p.RequestStatus.WAITING, waited_s=waited, kiosk_name="k",
            )
            for rid, skill, priority, waited in entries
        ]
        + [
            p.QueueEntryView(
                request_id="in-call", item_code="YB-003", skill="yibao",
                priority=p.Priority.NORMAL, status=p.RequestStatus.IN_CALL, waited_s=99.0,
                kiosk_name="k",
            )
        ],
    )
    queue.update(snapshot, {"YB-003": "长期护理保险申请"})
    ordered = queue.ordered(1010.0, ["yibao"])
    assert [row.request_id for row, _ in ordered] == ["c", "d", "b", "a"]
    assert [waited for _, waited in ordered] == [15.0, 40.0, 20.0, 60.0]
    assert ordered[0][0].item_name == "长期护理保险申请"
    summary = queue.summary(1010.0, ["yibao", "renshe"])
    assert [(s.skill, s.waiting, s.longest_wait_s, s.mine) for s in summary] == [
        ("yibao", 3, 40.0, True),
        ("renshe", 0, 0.0, True),
        ("minzheng", 1, 60.0, False),
    ]
    assert model.format_wait(75) == "1:15" and model.format_wait(3723) == "1:02:03"


def test_ring_counts_down_from_its_timeout() -> None:
    ring = p.Ring(
        request_id="r", item_code="YB-003", item_name="x", skill="yibao",
        priority=p.Priority.NORMAL, kiosk_name="k", site_name=None, waited_s=3, timeout_s=20,
    )
    view = model.RingView(ring, arrived=50.0)
    assert view.left_s(50.0) == 20 and view.left_s(65.5) == 5 and view.left_s(90) == 0


def test_pages_tick_the_material_they_name_else_the_next_open_one() -> None:
    checklist = model.Checklist(MATERIALS)
    assert checklist.page_arrived("p1", "身份证正反面") == 1
    assert checklist.page_arrived("p1", "身份证正反面") is None  # the same page twice
    assert checklist.page_arrived("p2", "社保卡") == 2
    assert checklist.page_arrived("p3", "补充材料") == 0
    assert checklist.missing() == [] and checklist.done() == 3
    assert checklist.page_arrived("p4", "重扫") is None  # nothing left to tick


def test_a_rejected_page_unticks_its_material_unless_another_page_shows_it() -> None:
    checklist = model.Checklist(MATERIALS)
    checklist.page_arrived("p1", "身份证")
    checklist.page_arrived("p2", "身份证")  # goes to the next open material
    checklist.page_rejected("p1")
    assert checklist.missing() == [MATERIALS[1], MATERIALS[2]]
    checklist.page_arrived("p3", "身份证复印件")
    assert MATERIALS[1] not in checklist.missing()


def test_the_clerks_hand_wins_over_arriving_pages() -> None:
    checklist = model.Checklist(MATERIALS)
    assert checklist.toggle(2) is True  # seen at the counter, no scan
    assert checklist.page_arrived("p1", "社保卡") == 0  # not the hand-ticked one
    assert checklist.toggle(0) is False  # the clerk says that page does not count
    assert checklist.missing() == [MATERIALS[0], MATERIALS[1]]
    checklist.page_rejected("p1")
    assert checklist.missing() == [MATERIALS[0], MATERIALS[1]]


def test_an_item_without_listed_materials_has_an_empty_checklist() -> None:
    checklist = model.Checklist(())
    assert checklist.page_arrived("p", "身份证") is None and checklist.missing() == []


def test_the_case_keeps_the_number_masked_until_revealed() -> None:
    case = model.CaseWork.start(call(), None)
    assert case.shown_id() == ""
    case.card = m.CardData(card_type="resident_id", name="演示", id_number="11010519491231002X")
    assert case.shown_id() == "110***********002X"
    case.revealed_id = "11010519491231002X"
    assert case.shown_id() == "11010519491231002X"


def test_the_form_is_filled_from_card_and_item_and_an_edit_needs_a_new_confirmation() -> None:
    card = m.CardData(
        card_type="resident_id", name="演示", id_number="11010519491231002X", sex="女",
        address="演示街道",
    )
    fields = model.form_fields(card, "长期护理保险申请", dt.date(2026, 11, 22))
    values = {f.key: f.value for f in fields}
    assert values["name"] == "演示" and values["id_number"] == "110***********002X"
    assert values["item"] == "长期护理保险申请" and values["date"] == "2026-11-22"
    case = model.CaseWork.start(call(), None)
    case.form = fields
    case.form_id = "f1"
    case.form_state = model.FormState.PUSHED
    case.form_answered(m.FormAnswered(form_id="other", confirmed=True))
    assert str(case.form_state) == "pushed"  # an answer to an older form
    case.form_answered(m.FormAnswered(form_id="f1", confirmed=False, comment="地址不对"))
    assert (str(case.form_state), case.form_comment) == ("correction", "地址不对")
    case.form_answered(m.FormAnswered(form_id="f1", confirmed=True, signature_page_id="s1"))
    assert str(case.form_state) == "confirmed" and case.signature_page_id == "s1"
    case.set_form_value("phone", "138")
    assert str(case.form_state) == "draft"


def test_signature_pages_are_not_materials() -> None:
    case = model.CaseWork.start(call(), None)
    case.checklist = model.Checklist(MATERIALS)
    case.signature_page_id = "s1"
    case.page_announced(announce("s1", "签名"))
    case.page_announced(announce("p1", "身份证"))
    assert case.page_ready("s1") is None and case.page_ready("p1") == 1
    assert [pg.page_id for pg in case.material_pages()] == ["p1"]


def test_review_and_rotation() -> None:
    case = model.CaseWork.start(call(), None)
    case.checklist = model.Checklist(MATERIALS)
    case.page_announced(announce("p1", "身份证"))
    case.page_ready("p1")
    case.review("p1", False, "看不清")
    assert case.pages["p1"].status == model.PageStatus.REJECTED
    assert MATERIALS[1] in case.checklist.missing()
    page = case.pages["p1"]
    assert [page.rotate(90) for _ in range(5)] == [90, 180, 270, 0, 90]


def test_each_outcome_says_what_it_still_needs() -> None:
    confirmed, draft = model.FormState.CONFIRMED, model.FormState.DRAFT
    choice = model.OutcomeChoice
    problems = model.outcome_problems
    assert problems(choice(model.Outcome.ACCEPTED), confirmed) == []
    assert problems(choice(model.Outcome.ACCEPTED), draft) != []
    assert problems(choice(model.Outcome.NEEDS_MORE), draft) != []
    assert problems(choice(model.Outcome.NEEDS_MORE, missing=("户口簿",)), draft) == []
    assert problems(choice(model.Outcome.REFERRED, referred_to=" "), draft) != []
    assert problems(choice(model.Outcome.REFERRED, referred_to="区医保中心"), draft) == []
    assert problems(choice(model.Outcome.CANNOT_BE_DONE), draft) != []
    assert problems(choice(model.Outcome.CANNOT_BE_DONE, reason="需本人"), draft) == []


def test_case_numbers_are_recognised() -> None:
    assert model.looks_like_case_number("JA01-20261122-0007")
    assert not model.looks_like_case_number("hello")


def test_call_quality_in_words() -> None:
    from center.console.client import Quality

    assert Quality().level == ""
    assert Quality(state="connecting").level == "poor"
    assert Quality(state="connected", fps=29, latency_ms=80).level == "good"
    assert Quality(state="connected", fps=29, latency_ms=900).level == "fair"
    assert Quality(state="connected", fps=12).level == "fair"
    assert Quality(state="connected", fps=3).level == "poor"
    assert Quality(state="reconnecting", fps=29).level == "reconnecting"


def test_the_card_photo_is_shown_with_the_card_not_counted_as_a_material() -> None:
    case = model.CaseWork.start(call(), None)
    case.checklist = model.Checklist(MATERIALS)
    case.page_announced(announce("ph", "证件照"))
    assert case.pages["ph"].photo
    assert case.page_ready("ph") is None and case.material_pages() == []
    assert case.checklist.missing() == list(MATERIALS)


def test_a_page_asked_for_by_name_ticks_that_material_not_the_first_like_it() -> None:
    checklist = model.Checklist(("户籍证明", "结婚状况证明"))
    # "证明" would pick the first open one; the material's own name picks itself
    assert checklist.page_arrived("p1", "结婚状况证明") == 1
    assert checklist.missing() == ["户籍证明"]


def test_a_requested_material_is_pending_until_its_page_is_ready() -> None:
    case = model.CaseWork.start(call(), None)
    case.checklist = model.Checklist(MATERIALS)
    case.requested["material-1"] = "身份证"
    assert case.is_requested("身份证")
    case.page_announced(announce("p1", "身份证"))
    assert case.is_requested("身份证")  # announced, its bytes not here yet
    assert case.page_ready("p1") == 1
    assert not case.is_requested("身份证") and case.requested == {}
    assert case.checklist.missing() == [MATERIALS[0], MATERIALS[2]]
