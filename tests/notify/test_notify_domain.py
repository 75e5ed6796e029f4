"""notify's rules without I/O: permissions, quiet hours, backoff, channel choice, templates."""

import datetime as dt

import pytest

from mesh.caller import Caller
from mesh.errors import InvalidArgument, NotFound, PermissionDenied
from notify_svc import store, templates
from booking_svc.domain import rupees
from notify_svc.domain import (Rendered, backoff_seconds, channels_for, check_admin, check_inbox_owner, free_message,
                               mask, money_text, quiet_until, without_address)

UTC = dt.timezone.utc


def karachi(hour: int, minute: int = 0, day: int = 25) -> dt.datetime:
    """A Karachi wall-clock time (UTC+5) as UTC."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=5))).astimezone(UTC)


@pytest.mark.parametrize(("at", "expected"), [
    (karachi(23, 30), karachi(7, 0, day=26)),   # after the start: ends tomorrow morning
    (karachi(3, 0), karachi(7, 0)),             # after midnight: ends this morning
    (karachi(7, 0), None),                      # the end itself is no longer quiet
    (karachi(12, 0), None),
    (karachi(22, 0), karachi(7, 0, day=26)),
])
def test_quiet_hours_across_midnight(at, expected):
    assert quiet_until("22:00", "07:00", "Asia/Karachi", at) == expected


def test_quiet_hours_within_a_day_and_unset():
    assert quiet_until("13:00", "15:00", "Asia/Karachi", karachi(14)) == karachi(15)
    assert quiet_until("13:00", "15:00", "Asia/Karachi", karachi(16)) is None
    assert quiet_until("", "", "Asia/Karachi", karachi(14)) is None
    assert quiet_until("13:00", "13:00", "Asia/Karachi", karachi(13)) is None


def test_backoff_doubles_up_to_the_ceiling():
    assert [backoff_seconds(n, 30, 200) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def recipient(**preferences) -> store.Recipient:
    defaults = {"user_id": "u1", "email": "a@b.pk", "phone": "+92300", "channels": "email",
                "kinds": "booking_confirmations,reminders,match_invites"}
    return store.Recipient(**{**defaults, **preferences})


def test_security_messages_go_by_email_whatever_the_preferences():
    assert channels_for(recipient(channels="sms", kinds=""), "password_reset") == ["email"]
    assert channels_for(recipient(channels="sms", kinds=""), "email_verification") == ["email"]


def test_other_messages_follow_channels_and_kinds():
    assert channels_for(recipient(channels="email,sms"), "booking_confirmed") == ["email", "sms", "in_app"]
    assert channels_for(recipient(kinds="booking_confirmations"), "booking_reminder") == []
    assert channels_for(recipient(), "announcement") == []  # marketing is opt-in


def test_switching_confirmations_off_never_silences_cancellations_and_moves():
    """They follow the channel choice, but a cancellation or a move is about money and time."""
    without = recipient(channels="sms", kinds="reminders")
    assert channels_for(without, "booking_confirmed") == []
    for kind in ("booking_cancelled", "booking_rescheduled", "invitation_cancelled", "invitation_rescheduled"):
        assert channels_for(without, kind) == ["sms", "in_app"], kind


def test_an_owner_who_switched_confirmations_off_still_hears_of_bookings_at_their_venue():
    """The owner's own games follow their choice; bookings at their venue are their business (the
    schedule, a hold waiting for them), so those always go out on their channels. Reviews and the
    weekly summary stay news they may switch off."""
    owner = recipient(channels="email", kinds="reminders")
    assert channels_for(owner, "booking_confirmed") == []
    for kind in ("venue_booking_new", "venue_booking_pending", "venue_booking_rescheduled", "venue_booking_cancelled",
                 "venue_booking_expired", "venue_booking_no_show", "venue_series_booked", "venue_series_cancelled"):
        assert channels_for(owner, kind) == ["email", "in_app"], kind
    for kind in ("venue_review_written", "venue_weekly_summary"):
        assert channels_for(owner, kind) == [], kind


@pytest.mark.parametrize("paisa", [0, 100, 450000, 450050, 31050000])
def test_money_reads_as_booking_writes_rupees(paisa):
    """One way of writing money across the platform's texts: "Rs 4,500", "Rs 4,500.50"."""
    assert money_text(paisa, "PKR") == money_text(paisa, "") == rupees(paisa)
    assert money_text(450000, "PKR") == "Rs 4,500" and money_text(1250, "USD") == "USD 12.50"


def test_masked_addresses():
    assert mask("ayesha@example.pk") == "ay***@example.pk"
    assert mask("+923001234567") == "+923***67"
    assert mask("ab@example.pk") == "a***@example.pk"  # never more than half of the name
    assert mask("a@example.pk") == "***@example.pk"
    assert mask("+92300") == "***"
    for address in ("ayesha@example.pk", "ab@example.pk", "+923001234567", "+92300", "d" * 200):
        assert mask(mask(address)) == mask(address)  # a forgotten recipient's masked address stays masked


def test_provider_errors_show_the_address_masked():
    error = "sms refused with HTTP 400: The 'To' number +923001234567 (923001234567) is not valid"
    assert without_address(error, "+923001234567") == \
        "sms refused with HTTP 400: The 'To' number +923***67 (+923***67) is not valid"
    assert without_address("550 no mailbox ayesha@example.pk", "ayesha@example.pk") == "550 no mailbox ay***@example.pk"
    assert without_address("HTTP 503", "") == "HTTP 503"


def test_every_shipped_template_passes_its_own_check_in_both_languages():
    shipped = templates.defaults()
    for kind, channel, language, subject, body in shipped:
        templates.check(kind, channel, subject, body)
    keys = {(kind, channel, language) for kind, channel, language, _s, _b in shipped}
    assert ("booking_reminder", "sms", "ur") in keys and ("password_reset", "email", "en") in keys


def test_check_names_the_field_and_the_unknown_variable():
    with pytest.raises(InvalidArgument) as unknown:
        templates.check("booking_confirmed", "sms", "Hi", "{{ first_name }} owes {{ balance }}")
    assert "template.body" in unknown.value.fields and "balance" in unknown.value.message
    with pytest.raises(InvalidArgument) as syntax:
        templates.check("booking_confirmed", "email", "{% if %}", "ok")
    assert "template.subject" in syntax.value.fields
    with pytest.raises(InvalidArgument) as kind:
        templates.check("tea_party", "email", "", "x")
    assert "template.kind" in kind.value.fields


def test_html_email_is_escaped_text_is_not():
    values = {"venue_name": "<script>x</script>"}
    assert templates.render("{{ venue_name }}", values, html=True) == "&lt;script&gt;x&lt;/script&gt;"
    assert templates.render("{{ venue_name }}", values, html=False) == "<script>x</script>"


def test_sandbox_refuses_reaching_into_python():
    with pytest.raises(templates.Refused) as refused:
        templates.render("{{ first_name.__class__.__mro__ }}", {"first_name": "a"}, html=False)
    assert "unsafe" in str(refused.value)


@pytest.mark.parametrize(("source", "problem"), [
    ('{{ ("a"*100000)*100000 }}', "repeating 100000 items 100000 times"),
    ("{{ 100000 * [1, 2] }}", "repeating 2 items 100000 times"),
    ("{{ 7 ** 100000 }}", "more than 10000 bits"),
    ("{{ range(10**9)|list }}", "MAX_RANGE"),
    ("{% for i in range(20000) %}{{ i }} {% endfor %}", f"more than {templates.MAX_CHARS} characters"),
])
def test_the_bounded_sandbox_refuses_before_it_grows(source, problem):
    with pytest.raises(templates.Refused) as refused:
        templates.render(source, {}, html=False)
    assert problem in str(refused.value)
    assert templates.render('{{ "ab" * 3 }} {{ 2 ** 10 }}', {}, html=False) == "ababab 1024"


def test_every_variable_of_every_kind_has_a_sample_to_check_templates_with():
    assert set().union(*(kind.variables for kind in templates.KINDS.values())) <= templates.SAMPLES.keys()


def caller(*roles: str, user_id: str = "u1") -> Caller:
    return Caller(user_id=user_id, roles=frozenset(roles), token_id="t1",
                  expires_at=dt.datetime(2030, 1, 1, tzinfo=UTC), token="token")


def test_only_admins_send_by_hand_edit_templates_and_read_the_log():
    check_admin(caller("admin"))
    for roles in (("player",), ("venue_owner",), ()):
        with pytest.raises(PermissionDenied):
            check_admin(caller(*roles))


def test_someone_elses_inbox_message_is_as_good_as_absent():
    check_inbox_owner(caller("player", user_id="u1"), "u1")
    for owner in ("u2", None):
        with pytest.raises(NotFound):
            check_inbox_owner(caller("admin", user_id="u1"), owner)  # not even an admin reads another's inbox


def test_an_admin_message_is_free_text_or_a_kind_with_its_variables():
    assert free_message("", {}, "Closed", "Courts closed Friday") == Rendered("Closed", "Courts closed Friday")
    assert free_message("announcement", {"headline": "New", "message": "Two more"}, "", "") is None
    for kind, variables, body, field in (("tea_party", {}, "", "kind"), ("announcement", {"headline": "New"}, "", "variables"),
                                         ("", {}, "  ", "body")):
        with pytest.raises(InvalidArgument) as bad:
            free_message(kind, variables, "", body)
        assert field in bad.value.fields
