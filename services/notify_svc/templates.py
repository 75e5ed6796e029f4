"""Message kinds, the templates that ship with the service, and rendering with Jinja2.

Each kind belongs to a family the user can switch off (`security` ones cannot be switched off and
never wait for quiet hours) and has a fixed set of variables; a template using any other name is
refused when it is saved (`check`), so rendering never meets an unknown name at send time.
Rendering is sandboxed (admins write templates), strict (a missing variable is an error, not an
empty string) and autoescaped for HTML email.

Admins write templates, so a template's text is untrusted code: Jinja2's SandboxedEnvironment
keeps it away from Python's insides and caps `range()` at MAX_RANGE items, `_Bounded` also refuses
`*` that repeats a text or list past MAX_CHARS items and `**` past MAX_POWER_BITS (the operator
interception Jinja's sandbox documents), and output stops at MAX_CHARS. That does not bound
everything (a filter such as `center(10**9)`, a short list shown as a huge text, a loop in a loop)
and Jinja evaluates constant expressions while compiling, so `check` and `render` run only in the
renderer processes of `notify_svc.rendering`, with a memory cap and a deadline.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from mesh.errors import InvalidArgument

EMAIL, SMS, WHATSAPP, PUSH, IN_APP = "email", "sms", "whatsapp", "push", "in_app"
CHANNELS = (EMAIL, SMS, WHATSAPP, PUSH, IN_APP)
LANGUAGES = ("en", "ur")
SECURITY = "security"
MAX_CHARS = 100_000  # the longest text a template may render, and the most items `*` may make
MAX_POWER_BITS = 10_000  # the largest number `**` may make (about 3,000 digits)


@dataclass(frozen=True)
class Kind:
    family: str  # the preference family ("booking_confirmations", "reminders", ...) or "security"
    variables: frozenset[str]
    # Sent even when the family is switched off (on the recipient's channels, after quiet hours):
    # a cancellation or a move is about money and time, never news to drop.
    essential: bool = False

    @property
    def urgent(self) -> bool:
        return self.family == SECURITY


_LINK = frozenset({"first_name", "link", "token", "expires_at"})
_BOOKING = frozenset({"first_name", "venue_name", "court_name", "date", "start_time", "end_time", "booking_id"})
# Where the venue is and how to call it: every booking message but the reminder (from a booking event).
_VENUE = frozenset({"venue_address", "venue_phone"})
# A sum of money for a booking, and the wallet it was paid from.
_MONEY = frozenset({"first_name", "booking_id", "amount"})
_PAID = _MONEY | {"wallet"}
# An open match.
_MATCH = frozenset({"first_name", "venue_name", "court_name", "date", "start_time", "match_id", "free_places"})
# A membership of a venue's plan (issue 16): "renewed", "in_grace" and "renewal_withdrawn" are "yes" or empty.
_MEMBER = frozenset({"first_name", "venue_name", "plan_name", "price", "paid_until", "grace_ends_at"})
# Who booked, for the venue's owner.
_OWNER = frozenset({"player_name", "player_phone", "special_requests"})
# A recurring series' games as one list of dates, and who booked it (for the owner).
_SERIES = frozenset({"first_name", "venue_name", "court_name", "games", "dates"})
_BOOKED_BY = frozenset({"player_name", "player_phone"})
# A slot, without whose booking it is.
_SLOT = frozenset({"first_name", "venue_name", "court_name", "date", "start_time", "end_time"})

KINDS: dict[str, Kind] = {
    "email_verification": Kind(SECURITY, _LINK),
    "password_reset": Kind(SECURITY, _LINK),
    "password_changed": Kind(SECURITY, frozenset({"first_name", "changed_at"})),
    # Told to an account holder: someone tried to register their email again (Register answers that
    # as a new account, so the attempt learns nothing), or a burst of failed sign-ins to their account.
    "registration_attempted": Kind(SECURITY, frozenset({"first_name", "attempted_at", "link"})),
    "sign_in_failures": Kind(SECURITY, frozenset({"first_name", "failures", "last_failed_at", "link"})),
    "booking_created": Kind("booking_confirmations", _BOOKING | _VENUE | {"price"}),
    "booking_confirmed": Kind("booking_confirmations", _BOOKING | _VENUE | {"price"}),
    # "fee" is the cancellation fee ("" when free), "fee_due_at_venue" "yes" when it is to be paid
    # there (else ""); "refund" (the price less the fee) stays for saved
    # templates only: a booking paid at the venue refunds nothing, and payment_svc's refund receipts
    # tell what went back of money paid online.
    "booking_cancelled": Kind("booking_confirmations", _BOOKING | _VENUE | {"price", "reason", "fee", "fee_due_at_venue", "refund"},
                              essential=True),
    "booking_rescheduled": Kind("booking_confirmations", _BOOKING | _VENUE | {"price", "previous_start_time"}, essential=True),
    "booking_no_show": Kind("booking_confirmations", _BOOKING | _VENUE | {"price"}),
    "booking_reminder": Kind("reminders", _BOOKING),
    # To invited players (a booking's participants) about someone else's booking.
    "booking_invitation": Kind("match_invites", _BOOKING | _VENUE),
    "invitation_rescheduled": Kind("match_invites", _BOOKING | _VENUE | {"previous_start_time"}, essential=True),
    "invitation_cancelled": Kind("match_invites", _BOOKING | _VENUE | {"reason"}, essential=True),
    "invitation_withdrawn": Kind("match_invites", _BOOKING | _VENUE),
    # To the venue's owner about bookings at their venue (issue 12), on the owner's own channels and
    # after their quiet hours. Essential: they are the venue's schedule (and a pending one waits for
    # the owner), not news about the owner's own games, so switching the owner's booking
    # confirmations off as a player never hides them.
    "venue_booking_pending": Kind("booking_confirmations", _BOOKING | _OWNER | {"price", "hold_expires_at"},
                                  essential=True),
    "venue_booking_new": Kind("booking_confirmations", _BOOKING | _OWNER | {"price"}, essential=True),
    "venue_booking_rescheduled": Kind("booking_confirmations", _BOOKING | _OWNER | {"previous_start_time"},
                                      essential=True),
    "venue_booking_cancelled": Kind("booking_confirmations", _BOOKING | _OWNER | {"reason"}, essential=True),
    "venue_booking_expired": Kind("booking_confirmations", _BOOKING | _OWNER, essential=True),
    "venue_booking_no_show": Kind("booking_confirmations", _BOOKING | _OWNER, essential=True),
    # To a waiting player (issue 16): a freed slot offered for a while, then passed on if not taken.
    "waitlist_offered": Kind("booking_confirmations", _BOOKING | _VENUE | {"price", "expires_at"}, essential=True),
    "waitlist_offer_expired": Kind("booking_confirmations", _BOOKING, essential=True),
    # To an open match's players (issue 15): closest to match invites; a cancelled match always goes out.
    "match_player_joined": Kind("match_invites", _MATCH | {"player_name"}),
    "match_filled": Kind("match_invites", _MATCH),
    "match_join_requested": Kind("match_invites", _MATCH | {"player_name", "level"}),
    "match_player_left": Kind("match_invites", _MATCH | {"player_name"}),
    "match_player_removed": Kind("match_invites", _MATCH),
    "match_cancelled": Kind("match_invites", _MATCH, essential=True),
    "match_released": Kind("match_invites", _MATCH, essential=True),
    "match_result_recorded": Kind("match_invites", _MATCH | {"player_name", "score"}),
    "level_changed": Kind("match_invites", frozenset({"first_name", "match_id", "level_before", "level_after"})),
    # To the asking player: approved by every seated player, or the request ended (refused, match full or
    # started, their gender no longer fits the match, the place they could take was taken, the match was
    # called off or released).
    "match_request_approved": Kind("match_invites", _MATCH),
    "match_request_refused": Kind("match_invites", _MATCH),
    "match_request_ended_full": Kind("match_invites", _MATCH),
    "match_request_ended_started": Kind("match_invites", _MATCH),
    "match_request_ended_gender": Kind("match_invites", _MATCH),
    "match_request_ended_place_taken": Kind("match_invites", _MATCH),
    "match_request_ended_called_off": Kind("match_invites", _MATCH),
    # The result's outcome: the recorder hears a dispute, the four hear a confirmed result.
    "match_result_disputed": Kind("match_invites", _MATCH | {"player_name", "score"}),
    "match_result_confirmed": Kind("match_invites", _MATCH | {"score"}),
    # To the player who booked about an invited player's answer.
    "invitation_accepted": Kind("match_invites", _BOOKING | {"invitee_name"}),
    "invitation_declined": Kind("match_invites", _BOOKING | {"invitee_name"}),
    # To a player who left (a match seat, an accepted invitation) after the free-cancellation time:
    # about their money, so always sent.
    "left_late": Kind("booking_confirmations", _BOOKING | _VENUE, essential=True),
    # About money (payment_svc's events, issue 14): closest to booking confirmations, always sent.
    # "membership" (yes or empty): the money was a membership plan's, not a booking's (issue 16).
    "payment_receipt": Kind("booking_confirmations", _PAID | {"provider_reference", "membership"}, essential=True),
    "refund_receipt": Kind("booking_confirmations", _PAID | {"fee", "provider_reference", "membership"},
                           essential=True),
    # A paid share the late-cancellation fee kept whole (payment_svc's PaymentRefunded of nothing).
    "late_fee_kept": Kind("booking_confirmations", _PAID | {"fee"}, essential=True),
    "share_payment_requested": Kind("booking_confirmations", _MONEY | {"due_by", "link"}, essential=True),
    # A refund the provider refused: the payer, and the venue's owner who settles it with support.
    "refund_failed": Kind("booking_confirmations", _PAID | {"provider_reference", "membership"}, essential=True),
    "refund_failed_venue": Kind("booking_confirmations", _PAID | {"provider_reference", "membership"}, essential=True),
    "shares_owed": Kind("booking_confirmations", _MONEY | {"shares"}, essential=True),
    # To a player about another who wants to connect, or accepted: a kind of their own, so a player can
    # silence connections and still hear of games.
    "connection_requested": Kind("connections", frozenset({"first_name", "requester_name"})),
    "connection_accepted": Kind("connections", frozenset({"first_name", "addressee_name"})),
    "announcement": Kind("marketing", frozenset({"first_name", "headline", "message"})),
    # The venue's business beyond single bookings (issue 16): a series told once with its dates, reviews,
    # a prime slot's draw; to the owner, their venue's week. Closest kind: booking confirmations; a
    # series at the owner's venue is essential for the owner, as its single bookings are.
    "series_booked": Kind("booking_confirmations", _SERIES | {"price", "skipped"}),
    "series_requested": Kind("booking_confirmations", _SERIES | {"price", "skipped"}),
    "series_cancelled": Kind("booking_confirmations", _SERIES | {"reason", "fee", "fee_due_at_venue", "refund"}, essential=True),
    "venue_series_booked": Kind("booking_confirmations", _SERIES | _BOOKED_BY | {"price", "skipped"},
                                essential=True),
    "venue_series_cancelled": Kind("booking_confirmations", _SERIES | _BOOKED_BY | {"reason"}, essential=True),
    "venue_review_written": Kind("booking_confirmations",
                                 frozenset({"first_name", "venue_name", "player_name", "rating", "text"})),
    "review_answered": Kind("booking_confirmations", frozenset({"first_name", "venue_name", "rating", "answer"})),
    # "pending" is "yes" when the won booking awaits the venue's confirmation (the venue confirms by hand).
    "lottery_won": Kind("booking_confirmations", _BOOKING | _VENUE | {"price", "pending"}, essential=True),
    "lottery_lost": Kind("booking_confirmations", _SLOT | {"place"}, essential=True),
    "venue_weekly_summary": Kind("booking_confirmations", frozenset({
        "first_name", "venue_name", "week_start", "week_end", "bookings", "occupancy", "revenue", "no_show_rate",
        "new_players", "rating"})),
    # To a member (issue 16): a payment recorded is a receipt; renewal reminders follow the reminders
    # switch, the end of the benefits always goes out.
    "membership_paid": Kind("booking_confirmations", _MEMBER | {"renewed"}, essential=True),
    "membership_renewal_due": Kind("reminders", _MEMBER | {"in_grace", "link"}),
    "membership_expired": Kind("reminders", _MEMBER, essential=True),
    # The venue retired the member's plan: what they paid for changes, so it always goes out.
    "membership_plan_retired": Kind("booking_confirmations", _MEMBER | {"in_grace", "renewal_withdrawn"},
                                    essential=True),
}

# Where the venue is and how to call it, in a booking's texts (each only when the venue gave it).
_WHERE_EN = "{% if venue_address %} Address: {{ venue_address }}.{% endif %}" \
            "{% if venue_phone %} Venue phone: {{ venue_phone }}.{% endif %}"
_WHERE_UR = "{% if venue_address %} پتہ: {{ venue_address }}۔{% endif %}" \
            "{% if venue_phone %} وینیو کا فون: {{ venue_phone }}۔{% endif %}"

# What cancelling cost, by the venue's policy: a fee (due at the venue when the booking is paid there)
# or none. Nothing here says "refund": a booking paid at the venue gives nothing back, and money paid
# online comes back with payment_svc's own receipt.
_FEE_EN = ("{% if fee %}Cancellation fee: {{ fee }}, {% if fee_due_at_venue %}due at the venue"
           "{% else %}by the venue's policy{% endif %}.{% else %}No cancellation fee.{% endif %}")
_FEE_UR = ("{% if fee %}منسوخی کی فیس: {{ fee }}، {% if fee_due_at_venue %}وینیو پر قابلِ ادائیگی"
           "{% else %}وینیو کی پالیسی کے مطابق{% endif %}۔{% else %}منسوخی کی کوئی فیس نہیں۔{% endif %}")

# Who booked and what they asked for, in the venue owner's texts.
_BOOKER = "{{ player_name }}{% if player_phone %} ({{ player_phone }}){% endif %}"
_REQUESTS_EN = "{% if special_requests %} Special requests: {{ special_requests }}{% endif %}"
_REQUESTS_UR = "{% if special_requests %} خصوصی درخواست: {{ special_requests }}{% endif %}"

# Where and when an open match is played.
_MATCH_AT_EN = "{{ court_name }} at {{ venue_name }} on {{ date }}, {{ start_time }}"
_MATCH_AT_UR = "{{ venue_name }} میں {{ court_name }} ({{ date }}، {{ start_time }})"

# (subject, text) per kind and language. Email gets the text as HTML paragraphs (see `_html`);
# the other channels get the text itself. Security kinds only ever go by email.
_DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    "email_verification": {
        "en": ("Verify your email for Padel Platform",
               "Hi {{ first_name }},\n\nPlease confirm your email address by opening this link: {{ link }}\n\n"
               "Or enter this code in the app: {{ token }}\n\nThe link works until {{ expires_at }}."),
        "ur": ("پیڈل پلیٹ فارم کے لیے اپنی ای میل کی تصدیق کریں",
               "السلام علیکم {{ first_name }}،\n\nاپنی ای میل کی تصدیق کے لیے یہ لنک کھولیں: {{ link }}\n\n"
               "یا ایپ میں یہ کوڈ درج کریں: {{ token }}\n\nیہ لنک {{ expires_at }} تک کام کرے گا۔"),
    },
    "password_reset": {
        "en": ("Reset your Padel Platform password",
               "Hi {{ first_name }},\n\nSomeone asked to reset your password. To choose a new one, open: {{ link }}\n\n"
               "Or enter this code in the app: {{ token }}\n\nThe link works until {{ expires_at }}. "
               "If it was not you, ignore this email."),
        "ur": ("اپنا پیڈل پلیٹ فارم پاس ورڈ دوبارہ ترتیب دیں",
               "السلام علیکم {{ first_name }}،\n\nنیا پاس ورڈ منتخب کرنے کے لیے یہ لنک کھولیں: {{ link }}\n\n"
               "یا ایپ میں یہ کوڈ درج کریں: {{ token }}\n\nیہ لنک {{ expires_at }} تک کام کرے گا۔ "
               "اگر یہ آپ نے نہیں کیا تو اس ای میل کو نظرانداز کریں۔"),
    },
    "password_changed": {
        "en": ("Your Padel Platform password was changed",
               "Hi {{ first_name }},\n\nYour password was changed on {{ changed_at }}. "
               "If this was not you, reset your password at once."),
        "ur": ("آپ کا پیڈل پلیٹ فارم پاس ورڈ تبدیل ہو گیا",
               "السلام علیکم {{ first_name }}،\n\nآپ کا پاس ورڈ {{ changed_at }} کو تبدیل کیا گیا۔ "
               "اگر یہ آپ نے نہیں کیا تو فوراً پاس ورڈ دوبارہ ترتیب دیں۔"),
    },
    "registration_attempted": {
        "en": ("Someone tried to register with your email",
               "Hi {{ first_name }},\n\nOn {{ attempted_at }} someone tried to create a Padel Platform account with "
               "this email, which already has one: yours. If it was you, sign in instead; if you forgot your "
               "password, reset it here: {{ link }}\n\nIf it was not you, nothing changed and you need do nothing."),
        "ur": ("کسی نے آپ کی ای میل سے رجسٹر کرنے کی کوشش کی",
               "السلام علیکم {{ first_name }}،\n\n{{ attempted_at }} کو کسی نے اس ای میل سے پیڈل پلیٹ فارم اکاؤنٹ "
               "بنانے کی کوشش کی، جس کا اکاؤنٹ پہلے سے موجود ہے: آپ کا۔ اگر یہ آپ تھے تو سائن ان کریں؛ پاس ورڈ بھول "
               "گئے ہیں تو یہاں دوبارہ ترتیب دیں: {{ link }}\n\nاگر یہ آپ نہیں تھے تو کچھ نہیں بدلا۔"),
    },
    "sign_in_failures": {
        "en": ("Failed sign-ins to your Padel Platform account",
               "Hi {{ first_name }},\n\n{{ failures }} sign-ins to your account failed, the last on "
               "{{ last_failed_at }}. If that was you, nothing is locked: sign in as usual. If not, someone may be "
               "guessing your password; choose a new one here: {{ link }}"),
        "ur": ("آپ کے پیڈل پلیٹ فارم اکاؤنٹ میں ناکام سائن ان",
               "السلام علیکم {{ first_name }}،\n\nآپ کے اکاؤنٹ میں {{ failures }} سائن ان ناکام ہوئے، آخری "
               "{{ last_failed_at }} کو۔ اگر یہ آپ تھے تو کچھ بند نہیں ہوا۔ ورنہ کوئی آپ کا پاس ورڈ آزما رہا ہو سکتا ہے؛ "
               "یہاں نیا پاس ورڈ منتخب کریں: {{ link }}"),
    },
    "booking_created": {
        "en": ("Booking received: {{ venue_name }}, {{ date }}",
               "Hi {{ first_name }}, your booking of {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }} ({{ price }}) was received. The venue confirms it; we will tell "
               "you when it does." + _WHERE_EN),
        "ur": ("بکنگ موصول ہوئی: {{ venue_name }}، {{ date }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} کی آپ کی بکنگ "
               "({{ date }}، {{ start_time }}–{{ end_time }}، {{ price }}) موصول ہو گئی ہے۔ وینیو اس کی تصدیق "
               "کرے گا؛ تصدیق ہوتے ہی ہم آپ کو بتائیں گے۔" + _WHERE_UR),
    },
    "booking_confirmed": {
        "en": ("Booking confirmed: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, your booking is confirmed: {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }} ({{ price }})." + _WHERE_EN),
        "ur": ("بکنگ کی تصدیق: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، آپ کی بکنگ کی تصدیق ہو گئی: {{ venue_name }} میں {{ court_name }}، "
               "{{ date }}، {{ start_time }}–{{ end_time }} ({{ price }})۔" + _WHERE_UR),
    },
    "booking_cancelled": {
        "en": ("Booking cancelled: {{ venue_name }}, {{ date }}",
               "Hi {{ first_name }}, your booking of {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }} was cancelled ({{ reason }}). " + _FEE_EN),
        "ur": ("بکنگ منسوخ: {{ venue_name }}، {{ date }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} کی آپ کی بکنگ "
               "({{ date }}، {{ start_time }}) منسوخ ہو گئی ({{ reason }})۔ " + _FEE_UR),
    },
    "booking_rescheduled": {
        "en": ("Booking moved: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, your booking moved from {{ previous_start_time }} to {{ court_name }} at "
               "{{ venue_name }} on {{ date }}, {{ start_time }}–{{ end_time }}." + _WHERE_EN),
        "ur": ("بکنگ کا وقت تبدیل: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، آپ کی بکنگ {{ previous_start_time }} سے {{ venue_name }} میں "
               "{{ court_name }}، {{ date }}، {{ start_time }}–{{ end_time }} پر منتقل ہو گئی۔" + _WHERE_UR),
    },
    "booking_no_show": {
        "en": ("Missed booking at {{ venue_name }}",
               "Hi {{ first_name }}, nobody checked in for your booking of {{ court_name }} at {{ venue_name }} "
               "on {{ date }}, {{ start_time }}."),
        "ur": ("{{ venue_name }} میں بکنگ چھوٹ گئی",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} کی آپ کی بکنگ "
               "({{ date }}، {{ start_time }}) پر کوئی نہیں آیا۔"),
    },
    "booking_reminder": {
        "en": ("Reminder: padel at {{ start_time }} at {{ venue_name }}",
               "Hi {{ first_name }}, see you on {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }}."),
        "ur": ("یاد دہانی: {{ venue_name }} میں {{ start_time }} بجے پیڈل",
               "السلام علیکم {{ first_name }}، {{ date }} کو {{ start_time }}–{{ end_time }} "
               "{{ venue_name }} میں {{ court_name }} پر ملاقات ہو گی۔"),
    },
    "booking_invitation": {
        "en": ("You are invited to play padel: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, you are invited to a game on {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }}." + _WHERE_EN),
        "ur": ("پیڈل کھیلنے کی دعوت: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، آپ کو {{ venue_name }} میں {{ court_name }} پر {{ date }}، "
               "{{ start_time }}–{{ end_time }} کے کھیل کی دعوت دی گئی ہے۔" + _WHERE_UR),
    },
    "invitation_rescheduled": {
        "en": ("Game moved: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the game you are invited to moved from {{ previous_start_time }} to "
               "{{ court_name }} at {{ venue_name }} on {{ date }}, {{ start_time }}–{{ end_time }}." + _WHERE_EN),
        "ur": ("کھیل کا وقت تبدیل: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، جس کھیل کی آپ کو دعوت دی گئی تھی وہ {{ previous_start_time }} سے "
               "{{ venue_name }} میں {{ court_name }}، {{ date }}، {{ start_time }}–{{ end_time }} پر منتقل ہو گیا۔" + _WHERE_UR),
    },
    "invitation_cancelled": {
        "en": ("Game cancelled: {{ venue_name }}, {{ date }}",
               "Hi {{ first_name }}, the game you were invited to on {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }} was cancelled ({{ reason }})."),
        "ur": ("کھیل منسوخ: {{ venue_name }}، {{ date }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} پر {{ date }}، {{ start_time }} "
               "کا کھیل، جس کی آپ کو دعوت دی گئی تھی، منسوخ ہو گیا ({{ reason }})۔"),
    },
    "invitation_withdrawn": {
        "en": ("You are no longer in the game at {{ venue_name }}, {{ date }}",
               "Hi {{ first_name }}, you were taken off the players of the game on {{ court_name }} at "
               "{{ venue_name }} on {{ date }}, {{ start_time }}."),
        "ur": ("آپ اب {{ venue_name }} کے کھیل میں شامل نہیں، {{ date }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} پر {{ date }}، {{ start_time }} "
               "کے کھیل کے کھلاڑیوں سے آپ کا نام نکال دیا گیا ہے۔"),
    },
    "venue_booking_pending": {
        "en": ("Booking pending your confirmation: {{ court_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, " + _BOOKER + " booked {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }} ({{ price }}). It is pending your confirmation"
               "{% if hold_expires_at %}: confirm it before {{ hold_expires_at }} or the hold runs out{% endif %}."
               + _REQUESTS_EN),
        "ur": ("بکنگ آپ کی تصدیق کی منتظر: {{ court_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _BOOKER + " نے {{ venue_name }} میں {{ court_name }} "
               "({{ date }}، {{ start_time }}–{{ end_time }}، {{ price }}) بک کیا ہے۔ یہ آپ کی تصدیق کی منتظر ہے"
               "{% if hold_expires_at %}: {{ hold_expires_at }} سے پہلے تصدیق کریں ورنہ ہولڈ ختم ہو جائے گا{% endif %}۔"
               + _REQUESTS_UR),
    },
    "venue_booking_new": {
        "en": ("New booking: {{ court_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, new booking: " + _BOOKER + " booked {{ court_name }} at {{ venue_name }} on "
               "{{ date }}, {{ start_time }}–{{ end_time }} ({{ price }})." + _REQUESTS_EN),
        "ur": ("نئی بکنگ: {{ court_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، نئی بکنگ: " + _BOOKER + " نے {{ venue_name }} میں {{ court_name }} "
               "({{ date }}، {{ start_time }}–{{ end_time }}، {{ price }}) بک کیا ہے۔" + _REQUESTS_UR),
    },
    "venue_booking_rescheduled": {
        "en": ("Booking moved: {{ court_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the booking of " + _BOOKER + " at {{ venue_name }} moved from "
               "{{ previous_start_time }} to {{ court_name }} on {{ date }}, {{ start_time }}–{{ end_time }}."),
        "ur": ("بکنگ کا وقت تبدیل: {{ court_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں " + _BOOKER + " کی بکنگ "
               "{{ previous_start_time }} سے {{ court_name }}، {{ date }}، {{ start_time }}–{{ end_time }} پر منتقل ہو گئی۔"),
    },
    "venue_booking_cancelled": {
        "en": ("Booking cancelled: {{ court_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the booking of " + _BOOKER + " of {{ court_name }} at {{ venue_name }} on "
               "{{ date }}, {{ start_time }} was cancelled ({{ reason }}). The court is free again."),
        "ur": ("بکنگ منسوخ: {{ court_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} ({{ date }}، {{ start_time }}) "
               "کی " + _BOOKER + " کی بکنگ منسوخ ہو گئی ({{ reason }})۔ کورٹ دوبارہ خالی ہے۔"),
    },
    "venue_booking_expired": {
        "en": ("Hold ran out: {{ court_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the booking of " + _BOOKER + " of {{ court_name }} at {{ venue_name }} on "
               "{{ date }}, {{ start_time }} was not confirmed in time: the hold ran out and the court is free again."),
        "ur": ("ہولڈ ختم: {{ court_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} ({{ date }}، {{ start_time }}) "
               "کی " + _BOOKER + " کی بکنگ کی بروقت تصدیق نہیں ہوئی: ہولڈ ختم ہو گیا اور کورٹ دوبارہ خالی ہے۔"),
    },
    "venue_booking_no_show": {
        "en": ("No-show: {{ court_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, " + _BOOKER + " did not come to their booking of {{ court_name }} at "
               "{{ venue_name }} on {{ date }}, {{ start_time }}."),
        "ur": ("کوئی نہیں آیا: {{ court_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _BOOKER + " {{ venue_name }} میں {{ court_name }} "
               "({{ date }}، {{ start_time }}) کی اپنی بکنگ پر نہیں آئے۔"),
    },
    "waitlist_offered": {
        "en": ("A slot is yours to accept: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, a slot you waited for is free: {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }} ({{ price }}). It is yours to accept"
               "{% if expires_at %} until {{ expires_at }}{% endif %}; after that it goes to the next player in line."
               + _WHERE_EN),
        "ur": ("ایک سلاٹ آپ کے لیے: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، جس سلاٹ کا آپ انتظار کر رہے تھے وہ خالی ہے: {{ venue_name }} میں "
               "{{ court_name }}، {{ date }}، {{ start_time }}–{{ end_time }} ({{ price }})۔ آپ اسے"
               "{% if expires_at %} {{ expires_at }} تک{% endif %} قبول کر سکتے ہیں؛ اس کے بعد یہ قطار میں اگلے کھلاڑی "
               "کو ملے گا۔" + _WHERE_UR),
    },
    "waitlist_offer_expired": {
        "en": ("Offer passed on: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the slot on {{ court_name }} at {{ venue_name }} on {{ date }}, {{ start_time }} "
               "was not accepted in time and went to the next player in line. You are still on the waitlist."),
        "ur": ("پیشکش آگے چلی گئی: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} ({{ date }}، {{ start_time }}) کا "
               "سلاٹ وقت پر قبول نہیں ہوا اور قطار میں اگلے کھلاڑی کو مل گیا۔ آپ اب بھی انتظار کی فہرست میں ہیں۔"),
    },
    "match_player_joined": {
        "en": ("{{ player_name }} joined your match: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, {{ player_name }} joined the match on " + _MATCH_AT_EN + ". "
               "Places still free: {{ free_places }}."),
        "ur": ("{{ player_name }} آپ کے میچ میں شامل: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ player_name }} " + _MATCH_AT_UR + " کے میچ میں شامل ہو گئے۔ "
               "خالی جگہیں: {{ free_places }}۔"),
    },
    "match_filled": {
        "en": ("Your match is full: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, all four places of the match on " + _MATCH_AT_EN + " are taken. See you there."),
        "ur": ("آپ کا میچ مکمل: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کے میچ کی چاروں جگہیں بھر گئیں۔ وہاں ملاقات ہو گی۔"),
    },
    "match_join_requested": {
        "en": ("{{ player_name }} asks to join: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, {{ player_name }} (level {{ level }}) asks for a place in the match on "
               + _MATCH_AT_EN + ". Approve or refuse in the app."),
        "ur": ("{{ player_name }} شامل ہونا چاہتے ہیں: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ player_name }} (لیول {{ level }}) " + _MATCH_AT_UR + " کے میچ میں "
               "جگہ چاہتے ہیں۔ ایپ میں منظور یا مسترد کریں۔"),
    },
    "match_player_left": {
        "en": ("{{ player_name }} left your match: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, {{ player_name }} is no longer in the match on " + _MATCH_AT_EN + ". "
               "Places free: {{ free_places }}."),
        "ur": ("{{ player_name }} نے میچ چھوڑ دیا: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ player_name }} اب " + _MATCH_AT_UR + " کے میچ میں نہیں۔ "
               "خالی جگہیں: {{ free_places }}۔"),
    },
    "match_player_removed": {
        "en": ("You are no longer in the match: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the organiser took you off the match on " + _MATCH_AT_EN + "."),
        "ur": ("آپ اب میچ میں شامل نہیں: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، منتظم نے آپ کو " + _MATCH_AT_UR + " کے میچ سے نکال دیا۔"),
    },
    "match_cancelled": {
        "en": ("Match cancelled: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the court booking under the match on " + _MATCH_AT_EN + " was cancelled: "
               "the match will not be played there."),
        "ur": ("میچ منسوخ: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کے میچ کی کورٹ بکنگ منسوخ ہو گئی: "
               "میچ وہاں نہیں کھیلا جائے گا۔"),
    },
    "match_released": {
        "en": ("Match not on: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, not enough players joined the match on " + _MATCH_AT_EN + " in time, so the "
               "court held for it was given back: the match will not be played."),
        "ur": ("میچ نہیں ہو گا: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کے میچ میں وقت پر کافی کھلاڑی شامل نہیں ہوئے، "
               "اس لیے اس کے لیے روکی گئی کورٹ واپس کر دی گئی: میچ نہیں کھیلا جائے گا۔"),
    },
    "match_result_recorded": {
        "en": ("Confirm the result: {{ score }}",
               "Hi {{ first_name }}, {{ player_name }} recorded {{ score }} for the match on " + _MATCH_AT_EN + ". "
               "Confirm or dispute it in the app."),
        "ur": ("نتیجے کی تصدیق کریں: {{ score }}",
               "السلام علیکم {{ first_name }}، {{ player_name }} نے " + _MATCH_AT_UR + " کے میچ کا نتیجہ {{ score }} "
               "درج کیا۔ ایپ میں تصدیق کریں یا اعتراض کریں۔"),
    },
    "match_request_approved": {
        "en": ("You're in: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, every player approved your request: you have a place in the match on "
               + _MATCH_AT_EN + "."),
        "ur": ("آپ میچ میں شامل ہیں: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، سب کھلاڑیوں نے آپ کی درخواست منظور کی: " + _MATCH_AT_UR
               + " کے میچ میں آپ کی جگہ ہے۔"),
    },
    "match_request_refused": {
        "en": ("Your request to join was refused: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, a player of the match on " + _MATCH_AT_EN + " refused your request. "
               "You may find another match in the app."),
        "ur": ("شامل ہونے کی درخواست مسترد: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کے میچ کے ایک کھلاڑی نے آپ کی درخواست مسترد کی۔ "
               "ایپ میں کوئی اور میچ تلاش کریں۔"),
    },
    "match_request_ended_full": {
        "en": ("The match filled: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the match on " + _MATCH_AT_EN + " has its four players, so your request "
               "to join ended. You may find another match in the app."),
        "ur": ("میچ بھر گیا: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کے میچ میں چار کھلاڑی پورے ہو گئے، اس لیے آپ کی "
               "درخواست ختم ہو گئی۔ ایپ میں کوئی اور میچ تلاش کریں۔"),
    },
    "match_request_ended_started": {
        "en": ("The match has started: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the match on " + _MATCH_AT_EN + " started before every player approved your "
               "request, so it ended. You may find another match in the app."),
        "ur": ("میچ شروع ہو گیا: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کا میچ آپ کی درخواست کی منظوری سے پہلے شروع ہو گیا، "
               "اس لیے درخواست ختم ہو گئی۔ ایپ میں کوئی اور میچ تلاش کریں۔"),
    },
    "match_request_ended_gender": {
        "en": ("Your request to join ended: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the gender you set since asking does not fit the match on " + _MATCH_AT_EN
               + " (its gender mode or its free places), so your request to join ended. You may find another "
               "match in the app."),
        "ur": ("شامل ہونے کی درخواست ختم: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، درخواست کے بعد آپ کی منتخب کردہ جنس " + _MATCH_AT_UR
               + " کے میچ (اس کے موڈ یا خالی جگہوں) کے مطابق نہیں، اس لیے آپ کی درخواست ختم ہو گئی۔ "
               "ایپ میں کوئی اور میچ تلاش کریں۔"),
    },
    "match_request_ended_place_taken": {
        "en": ("The place you asked for was taken: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, other players took the place you asked for in the match on " + _MATCH_AT_EN
               + ", so your request to join ended. If a place frees up you may ask again, or find another match "
               "in the app."),
        "ur": ("آپ کی مانگی ہوئی جگہ لے لی گئی: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کے میچ میں جو جگہ آپ نے مانگی تھی وہ دوسرے "
               "کھلاڑیوں نے لے لی، اس لیے آپ کی درخواست ختم ہو گئی۔ جگہ خالی ہو تو دوبارہ درخواست دیں، یا ایپ میں "
               "کوئی اور میچ تلاش کریں۔"),
    },
    "match_request_ended_called_off": {
        "en": ("The match is off: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the match on " + _MATCH_AT_EN + " will not be played (its court booking was "
               "cancelled, or too few players joined in time), so your request to join ended. You may find "
               "another match in the app."),
        "ur": ("میچ نہیں ہو گا: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کا میچ نہیں کھیلا جائے گا (اس کی کورٹ بکنگ "
               "منسوخ ہو گئی، یا وقت پر کافی کھلاڑی شامل نہیں ہوئے)، اس لیے آپ کی درخواست ختم ہو گئی۔ ایپ میں "
               "کوئی اور میچ تلاش کریں۔"),
    },
    "match_result_disputed": {
        "en": ("Your result was disputed: {{ score }}",
               "Hi {{ first_name }}, {{ player_name }} disputed the score {{ score }} you recorded for the match "
               "on " + _MATCH_AT_EN + ". It counts for no level."),
        "ur": ("آپ کے نتیجے پر اعتراض: {{ score }}",
               "السلام علیکم {{ first_name }}، {{ player_name }} نے " + _MATCH_AT_UR + " کے میچ کے آپ کے درج کردہ "
               "نتیجے {{ score }} پر اعتراض کیا۔ یہ کسی لیول میں شمار نہیں ہوگا۔"),
    },
    "match_result_confirmed": {
        "en": ("Result confirmed: {{ score }}",
               "Hi {{ first_name }}, the result {{ score }} of the match on " + _MATCH_AT_EN + " is confirmed."),
        "ur": ("نتیجہ تصدیق شدہ: {{ score }}",
               "السلام علیکم {{ first_name }}، " + _MATCH_AT_UR + " کے میچ کا نتیجہ {{ score }} تصدیق ہو گیا۔"),
    },
    "level_changed": {
        "en": ("Your level is now {{ level_after }}",
               "Hi {{ first_name }}, your confirmed result moved your level from {{ level_before }} to "
               "{{ level_after }}."),
        "ur": ("آپ کا لیول اب {{ level_after }} ہے",
               "السلام علیکم {{ first_name }}، تصدیق شدہ نتیجے سے آپ کا لیول {{ level_before }} سے "
               "{{ level_after }} ہو گیا۔"),
    },
    "invitation_accepted": {
        "en": ("{{ invitee_name }} will play: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, {{ invitee_name }} accepted your invitation to play on {{ court_name }} at "
               "{{ venue_name }} on {{ date }}, {{ start_time }}–{{ end_time }}."),
        "ur": ("{{ invitee_name }} کھیلیں گے: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ invitee_name }} نے {{ venue_name }} میں {{ court_name }} پر "
               "{{ date }}، {{ start_time }}–{{ end_time }} کھیلنے کی آپ کی دعوت قبول کر لی۔"),
    },
    "invitation_declined": {
        "en": ("{{ invitee_name }} cannot play: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, {{ invitee_name }} declined your invitation to play on {{ court_name }} at "
               "{{ venue_name }} on {{ date }}, {{ start_time }}–{{ end_time }}. You may invite someone else."),
        "ur": ("{{ invitee_name }} نہیں کھیل سکتے: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، {{ invitee_name }} نے {{ venue_name }} میں {{ court_name }} پر "
               "{{ date }}، {{ start_time }}–{{ end_time }} کھیلنے کی آپ کی دعوت رد کر دی۔ آپ کسی اور کو دعوت دے سکتے ہیں۔"),
    },
    "left_late": {
        "en": ("Your share is kept until someone takes your place: {{ venue_name }}",
               "Hi {{ first_name }}, you left the game on {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }} after the venue's free-cancellation time. Any share you paid "
               "keeps paying for your place, so the other players do not pay more: it goes back to your wallet "
               "once someone takes your place and pays for it."),
        "ur": ("آپ کا حصہ تب تک رکھا جائے گا جب تک کوئی آپ کی جگہ نہ لے: {{ venue_name }}",
               "السلام علیکم {{ first_name }}، آپ نے {{ venue_name }} میں {{ court_name }} پر {{ date }}، "
               "{{ start_time }}–{{ end_time }} کا کھیل وینیو کے مفت منسوخی کے وقت کے بعد چھوڑا۔ آپ کا ادا کردہ "
               "حصہ آپ کی جگہ کی ادائیگی کرتا رہے گا تاکہ باقی کھلاڑی زیادہ ادا نہ کریں: جب کوئی آپ کی جگہ لے کر "
               "اس کی ادائیگی کر دے گا تو یہ آپ کے والٹ میں واپس آ جائے گا۔"),
    },
    "payment_receipt": {
        "en": ("Payment received: {{ amount }}",
               "Hi {{ first_name }}, we received your payment of {{ amount }} from your {{ wallet }} wallet for "
               "{% if membership %}your membership plan{% else %}booking {{ booking_id }}{% endif %}. "
               "{{ wallet }} reference: {{ provider_reference }}."),
        "ur": ("ادائیگی موصول: {{ amount }}",
               "السلام علیکم {{ first_name }}، "
               "{% if membership %}آپ کی رکنیت{% else %}بکنگ {{ booking_id }}{% endif %} "
               "کے لیے آپ کے {{ wallet }} والٹ سے {{ amount }} کی ادائیگی موصول ہو گئی۔ "
               "{{ wallet }} حوالہ: {{ provider_reference }}۔"),
    },
    "refund_receipt": {
        "en": ("Refund: {{ amount }}",
               "Hi {{ first_name }}, {{ amount }} went back to your {{ wallet }} wallet for "
               "{% if membership %}a membership payment no longer due (paid otherwise, or its period ended before "
               "it began){% else %}booking {{ booking_id }} (the cancellation policy kept {{ fee }}){% endif %}. "
               "{{ wallet }} reference: {{ provider_reference }}."),
        "ur": ("رقم کی واپسی: {{ amount }}",
               "السلام علیکم {{ first_name }}، {% if membership %}رکنیت کی ایک ادائیگی جو اب واجب نہیں تھی، اس "
               "{% else %}بکنگ {{ booking_id }} {% endif %}کے {{ amount }} آپ کے {{ wallet }} والٹ میں واپس "
               "آ گئے{% if not membership %} (منسوخی کی پالیسی کے تحت {{ fee }} رکھے گئے){% endif %}۔ "
               "{{ wallet }} حوالہ: {{ provider_reference }}۔"),
    },
    "late_fee_kept": {
        "en": ("Nothing refunded: {{ fee }} kept as the late-cancellation fee",
               "Hi {{ first_name }}, nothing goes back to your {{ wallet }} wallet for booking {{ booking_id }}: "
               "it was cancelled late, and the cancellation policy kept all {{ fee }} you paid as the "
               "late-cancellation fee."),
        "ur": ("کوئی رقم واپس نہیں: {{ fee }} تاخیر سے منسوخی کی فیس",
               "السلام علیکم {{ first_name }}، بکنگ {{ booking_id }} دیر سے منسوخ ہوئی، اس لیے آپ کے {{ wallet }} "
               "والٹ میں کچھ واپس نہیں آئے گا: منسوخی کی پالیسی کے تحت آپ کی ادا کردہ پوری رقم {{ fee }} تاخیر سے "
               "منسوخی کی فیس کے طور پر رکھ لی گئی۔"),
    },
    "refund_failed": {
        "en": ("Refund delayed: {{ amount }}",
               "Hi {{ first_name }}, we could not refund {{ amount }} to your {{ wallet }} wallet automatically "
               "for {% if membership %}a membership payment no longer due{% else %}booking {{ booking_id }}{% endif %}. "
               "The venue or our support will settle it with you. "
               "Refund reference: {{ provider_reference }}."),
        "ur": ("رقم کی واپسی میں تاخیر: {{ amount }}",
               "السلام علیکم {{ first_name }}، {% if membership %}رکنیت کی ایک ادائیگی جو اب واجب نہیں تھی، اس "
               "{% else %}بکنگ {{ booking_id }} {% endif %}کے {{ amount }} ہم خودکار طور پر آپ کے "
               "{{ wallet }} والٹ میں واپس نہیں کر سکے۔ وینیو یا ہماری سپورٹ آپ کے ساتھ یہ طے کرے گی۔ "
               "واپسی کا حوالہ: {{ provider_reference }}۔"),
    },
    "refund_failed_venue": {
        "en": ("A refund needs you: {{ amount }}",
               "Hi {{ first_name }}, {{ wallet }} refused to refund {{ amount }} of "
               "{% if membership %}a membership plan's payment (bill {{ booking_id }}){% else %}booking "
               "{{ booking_id }}{% endif %} automatically. Please settle it with the "
               "{% if membership %}member{% else %}player{% endif %} (or ask our support). "
               "Refund reference: {{ provider_reference }}."),
        "ur": ("ایک رقم کی واپسی آپ کی منتظر ہے: {{ amount }}",
               "السلام علیکم {{ first_name }}، {{ wallet }} نے {% if membership %}رکنیت کی ادائیگی (بل "
               "{{ booking_id }}){% else %}بکنگ {{ booking_id }}{% endif %} کے {{ amount }} کی خودکار "
               "واپسی سے انکار کر دیا۔ براہ کرم کھلاڑی کے ساتھ یہ طے کریں (یا ہماری سپورٹ سے رابطہ کریں)۔ "
               "واپسی کا حوالہ: {{ provider_reference }}۔"),
    },
    "share_payment_requested": {
        "en": ("Please pay your share: {{ amount }}",
               "Hi {{ first_name }}, your share of the game (booking {{ booking_id }}) is {{ amount }}"
               "{% if due_by %}, due by {{ due_by }}{% endif %}. Pay it with JazzCash or Easypaisa: {{ link }}"),
        "ur": ("براہ کرم اپنا حصہ ادا کریں: {{ amount }}",
               "السلام علیکم {{ first_name }}، کھیل (بکنگ {{ booking_id }}) میں آپ کا حصہ {{ amount }} ہے"
               "{% if due_by %}، {{ due_by }} تک واجب الادا{% endif %}۔ JazzCash یا Easypaisa سے ادا کریں: {{ link }}"),
    },
    "shares_owed": {
        "en": ("You now owe {{ amount }}",
               "Hi {{ first_name }}, {{ shares }} invited players' shares of booking {{ booking_id }} were not paid "
               "in time, so they fall to you: you now owe {{ amount }} in all. Pay it in the app."),
        "ur": ("اب آپ کے ذمے {{ amount }} ہیں",
               "السلام علیکم {{ first_name }}، بکنگ {{ booking_id }} میں مدعو کھلاڑیوں کے {{ shares }} حصے وقت پر ادا "
               "نہیں ہوئے، اس لیے اب یہ آپ کے ذمے ہیں: کل {{ amount }}۔ ایپ میں ادا کریں۔"),
    },
    "connection_requested": {
        "en": ("{{ requester_name }} wants to connect",
               "Hi {{ first_name }}, {{ requester_name }} wants to connect with you on Padel Platform. "
               "Accept or decline in the app, under Connections."),
        "ur": ("{{ requester_name }} آپ سے جڑنا چاہتے ہیں",
               "السلام علیکم {{ first_name }}، {{ requester_name }} پیڈل پلیٹ فارم پر آپ سے جڑنا چاہتے ہیں۔ "
               "ایپ میں کنکشنز کے تحت قبول یا مسترد کریں۔"),
    },
    "connection_accepted": {
        "en": ("{{ addressee_name }} accepted your connection",
               "Hi {{ first_name }}, {{ addressee_name }} accepted your request: you are now connected on "
               "Padel Platform and can invite each other to games."),
        "ur": ("{{ addressee_name }} نے آپ کا کنکشن قبول کر لیا",
               "السلام علیکم {{ first_name }}، {{ addressee_name }} نے آپ کی درخواست قبول کر لی: اب آپ پیڈل "
               "پلیٹ فارم پر جڑے ہوئے ہیں اور ایک دوسرے کو کھیل کی دعوت دے سکتے ہیں۔"),
    },
    "announcement": {
        "en": ("{{ headline }}", "Hi {{ first_name }}, {{ message }}"),
        "ur": ("{{ headline }}", "السلام علیکم {{ first_name }}، {{ message }}"),
    },
    "series_booked": {
        "en": ("Series booked: {{ games }} game{% if games != '1' %}s{% endif %} at {{ venue_name }}",
               "Hi {{ first_name }}, your series is booked: {{ court_name }} at {{ venue_name }}, {{ games }} game{% if games != '1' %}s{% endif %} "
               "({{ price }} in all): {{ dates }}.{% if skipped != '0' %} {{ skipped }} date(s) could not be booked."
               "{% endif %}"),
        "ur": ("سیریز بک ہو گئی: {{ venue_name }} میں {{ games }} گیمز",
               "السلام علیکم {{ first_name }}، آپ کی سیریز بک ہو گئی: {{ venue_name }} میں {{ court_name }}، {{ games }} گیمز "
               "(کل {{ price }}): {{ dates }}۔{% if skipped != '0' %} {{ skipped }} تاریخیں بک نہیں ہو سکیں۔{% endif %}"),
    },
    "series_requested": {
        "en": ("Series received: {{ games }} game{% if games != '1' %}s{% endif %} at {{ venue_name }}",
               "Hi {{ first_name }}, your series is waiting for the venue's confirmation: {{ court_name }} at "
               "{{ venue_name }}, {{ games }} game{% if games != '1' %}s{% endif %} ({{ price }} in all): {{ dates }}."
               "{% if skipped != '0' %} {{ skipped }} date(s) could not be booked.{% endif %}"),
        "ur": ("سیریز موصول: {{ venue_name }} میں {{ games }} گیمز",
               "السلام علیکم {{ first_name }}، آپ کی سیریز وینیو کی تصدیق کی منتظر ہے: {{ venue_name }} میں {{ court_name }}، "
               "{{ games }} گیمز (کل {{ price }}): {{ dates }}۔"
               "{% if skipped != '0' %} {{ skipped }} تاریخیں بک نہیں ہو سکیں۔{% endif %}"),
    },
    "series_cancelled": {
        "en": ("Series cancelled: {{ games }} game{% if games != '1' %}s{% endif %} at {{ venue_name }}",
               "Hi {{ first_name }}, {{ games }} game{% if games != '1' %}s{% endif %} of your series on {{ court_name }} at {{ venue_name }} were "
               "cancelled ({{ reason }}): {{ dates }}. " + _FEE_EN),
        "ur": ("سیریز منسوخ: {{ venue_name }} میں {{ games }} گیمز",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} پر آپ کی سیریز کے {{ games }} گیمز منسوخ "
               "ہو گئے ({{ reason }}): {{ dates }}۔ " + _FEE_UR),
    },
    "venue_series_booked": {
        "en": ("New series: {{ games }} game{% if games != '1' %}s{% endif %} on {{ court_name }}",
               "Hi {{ first_name }}, " + _BOOKER + " booked a series on {{ court_name }} at {{ venue_name }}, "
               "{{ games }} game{% if games != '1' %}s{% endif %} ({{ price }} in all): {{ dates }}."),
        "ur": ("نئی سیریز: {{ court_name }} پر {{ games }} گیمز",
               "السلام علیکم {{ first_name }}، " + _BOOKER + " نے {{ venue_name }} میں {{ court_name }} پر سیریز بک کی، "
               "{{ games }} گیمز (کل {{ price }}): {{ dates }}۔"),
    },
    "venue_series_cancelled": {
        "en": ("Series cancelled: {{ games }} game{% if games != '1' %}s{% endif %} on {{ court_name }}",
               "Hi {{ first_name }}, {{ games }} game{% if games != '1' %}s{% endif %} of the series of " + _BOOKER + " on {{ court_name }} at "
               "{{ venue_name }} were cancelled ({{ reason }}): {{ dates }}."),
        "ur": ("سیریز منسوخ: {{ court_name }} پر {{ games }} گیمز",
               "السلام علیکم {{ first_name }}، " + _BOOKER + " کی سیریز کے {{ games }} گیمز ({{ venue_name }}، "
               "{{ court_name }}) منسوخ ہو گئے ({{ reason }}): {{ dates }}۔"),
    },
    "venue_review_written": {
        "en": ("New review of {{ venue_name }}: {{ rating }} of 5",
               "Hi {{ first_name }}, {{ player_name }} rated {{ venue_name }} {{ rating }} of 5."
               "{% if text %} \"{{ text }}\"{% endif %} You can answer the review in the app."),
        "ur": ("{{ venue_name }} کا نیا ریویو: 5 میں سے {{ rating }}",
               "السلام علیکم {{ first_name }}، {{ player_name }} نے {{ venue_name }} کو 5 میں سے {{ rating }} دیے۔"
               "{% if text %} \"{{ text }}\"{% endif %} آپ ایپ میں جواب دے سکتے ہیں۔"),
    },
    "review_answered": {
        "en": ("{{ venue_name }} answered your review",
               "Hi {{ first_name }}, {{ venue_name }} answered your review ({{ rating }} of 5): \"{{ answer }}\""),
        "ur": ("{{ venue_name }} نے آپ کے ریویو کا جواب دیا",
               "السلام علیکم {{ first_name }}، {{ venue_name }} نے آپ کے ریویو (5 میں سے {{ rating }}) کا جواب دیا: "
               "\"{{ answer }}\""),
    },
    "lottery_won": {
        "en": ("You won the slot: {{ venue_name }}, {{ date }} {{ start_time }}",
               "Hi {{ first_name }}, the draw picked you: {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }} ({{ price }}) {% if pending %}is held for you and awaits the venue's "
               "confirmation; we will tell you when the venue confirms it.{% else %}is booked for you.{% endif %}"
               + _WHERE_EN),
        "ur": ("سلاٹ آپ کا: {{ venue_name }}، {{ date }} {{ start_time }}",
               "السلام علیکم {{ first_name }}، قرعہ اندازی میں آپ کا نام نکلا: {{ venue_name }} میں {{ court_name }}، "
               "{{ date }}، {{ start_time }}–{{ end_time }} ({{ price }}) {% if pending %}آپ کے لیے رکھا گیا ہے اور "
               "وینیو کی تصدیق کا منتظر ہے؛ تصدیق ہوتے ہی ہم آپ کو بتائیں گے۔{% else %}آپ کے لیے بک ہو گیا۔{% endif %}"
               + _WHERE_UR),
    },
    "lottery_lost": {
        "en": ("Draw for {{ venue_name }}, {{ date }} {{ start_time }}: number {{ place }} in line",
               "Hi {{ first_name }}, the draw for {{ court_name }} at {{ venue_name }} on {{ date }}, "
               "{{ start_time }}–{{ end_time }} picked another player. You are number {{ place }} on the slot's "
               "waitlist: if it is freed, it is offered in that order."),
        "ur": ("{{ venue_name }} کی قرعہ اندازی: قطار میں نمبر {{ place }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں {{ court_name }} ({{ date }}، {{ start_time }}–{{ end_time }}) "
               "کی قرعہ اندازی میں کسی اور کا نام نکلا۔ آپ انتظار کی فہرست میں نمبر {{ place }} پر ہیں: سلاٹ خالی ہوا تو "
               "اسی ترتیب سے پیش کیا جائے گا۔"),
    },
    "venue_weekly_summary": {
        "en": ("Your week at {{ venue_name }}: {{ bookings }} bookings, {{ revenue }}",
               "Hi {{ first_name }}, {{ venue_name }} from {{ week_start }} to {{ week_end }}: {{ bookings }} bookings, "
               "{{ occupancy }} of court time booked, {{ revenue }} net revenue, no-shows {{ no_show_rate }}, "
               "{{ new_players }} new players. Rating: {{ rating }}."),
        "ur": ("{{ venue_name }} کا ہفتہ: {{ bookings }} بکنگز، {{ revenue }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} ({{ week_start }} تا {{ week_end }}): {{ bookings }} بکنگز، "
               "کورٹ کا {{ occupancy }} وقت بک، {{ revenue }} خالص آمدنی، نہ آنے کی شرح {{ no_show_rate }}، "
               "{{ new_players }} نئے کھلاڑی۔ ریٹنگ: {{ rating }}۔"),
    },
    "membership_paid": {
        "en": ("{% if renewed %}Membership renewed{% else %}Welcome, member{% endif %}: "
               "{{ plan_name }} at {{ venue_name }}",
               "Hi {{ first_name }}, your {{ plan_name }} membership at {{ venue_name }} "
               "{% if renewed %}is renewed{% else %}has started{% endif %} ({{ price }}): "
               "it runs until {{ paid_until }}. Your member prices and benefits apply when you book there."),
        "ur": ("{% if renewed %}رکنیت کی تجدید{% else %}خوش آمدید{% endif %}: {{ venue_name }} میں {{ plan_name }}",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں آپ کی {{ plan_name }} رکنیت "
               "{% if renewed %}کی تجدید ہو گئی{% else %}شروع ہو گئی{% endif %} ({{ price }}): {{ paid_until }} تک۔ "
               "وہاں بکنگ پر آپ کی رکنیت کی قیمتیں اور سہولتیں لاگو ہوں گی۔"),
    },
    "membership_renewal_due": {
        "en": ("Renew your {{ plan_name }} membership at {{ venue_name }}",
               "Hi {{ first_name }}, your {{ plan_name }} membership at {{ venue_name }} "
               "{% if in_grace %}ended on {{ paid_until }}; its benefits last until {{ grace_ends_at }}"
               "{% else %}runs until {{ paid_until }}{% endif %}. Renew it ({{ price }}) "
               "{% if link %}online: {{ link }} (or at the venue){% else %}at the venue{% endif %} to keep "
               "your member prices."),
        "ur": ("{{ venue_name }} میں اپنی {{ plan_name }} رکنیت کی تجدید کریں",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں آپ کی {{ plan_name }} رکنیت "
               "{% if in_grace %}{{ paid_until }} کو ختم ہو گئی؛ سہولتیں {{ grace_ends_at }} تک رہیں گی"
               "{% else %}{{ paid_until }} تک ہے{% endif %}۔ رکنیت کی قیمتیں برقرار رکھنے کے لیے "
               "{% if link %}آن لائن ({{ link }}) یا {% endif %}وینیو پر "
               "تجدید کریں ({{ price }})۔"),
    },
    "membership_expired": {
        "en": ("Your {{ plan_name }} membership at {{ venue_name }} has expired",
               "Hi {{ first_name }}, your {{ plan_name }} membership at {{ venue_name }} ended on {{ paid_until }} "
               "and its grace days are over: you book at the guest prices now. Renew it ({{ price }}) at the venue "
               "any time."),
        "ur": ("{{ venue_name }} میں آپ کی {{ plan_name }} رکنیت ختم ہو گئی",
               "السلام علیکم {{ first_name }}، {{ venue_name }} میں آپ کی {{ plan_name }} رکنیت {{ paid_until }} کو "
               "ختم ہو گئی اور رعایتی دن بھی گزر گئے: اب آپ عام قیمت پر بک کریں گے۔ وینیو پر کبھی بھی تجدید کریں "
               "({{ price }})۔"),
    },
    "membership_plan_retired": {
        "en": ("{{ venue_name }} no longer offers your {{ plan_name }} membership",
               "Hi {{ first_name }}, {{ venue_name }} has retired the {{ plan_name }} plan. Your membership keeps "
               "its member prices and benefits {% if in_grace %}(its grace days) until {{ grace_ends_at }}"
               "{% else %}until {{ paid_until }}{% if grace_ends_at != paid_until %}, and through its grace days "
               "until {{ grace_ends_at }}{% endif %}{% endif %}; "
               "it cannot be renewed."
               "{% if renewal_withdrawn %} The renewal payment you had opened is cancelled: nothing more is "
               "due, and anything paid on it comes back to your wallet.{% endif %} Ask the venue about "
               "its other plans."),
        "ur": ("{{ venue_name }} نے آپ کی {{ plan_name }} رکنیت کا پلان بند کر دیا",
               "السلام علیکم {{ first_name }}، {{ venue_name }} نے {{ plan_name }} پلان بند کر دیا ہے۔ آپ کی رکنیت "
               "{% if in_grace %}{{ paid_until }} کو ختم ہو گئی؛ رعایتی دنوں میں سہولتیں {{ grace_ends_at }} تک رہیں گی"
               "{% else %}کی قیمتیں اور سہولتیں {{ paid_until }} تک{% if grace_ends_at != paid_until %}، اور رعایتی دنوں "
               "میں {{ grace_ends_at }} تک{% endif %} رہیں گی"
               "{% endif %}، اور اس کی تجدید نہیں ہو سکتی۔"
               "{% if renewal_withdrawn %} آپ کی تجدید کی ادائیگی منسوخ کر دی گئی: مزید کچھ واجب نہیں، اور جو ادا "
               "ہوا وہ آپ کے والٹ میں واپس آئے گا۔{% endif %} دوسرے پلانز کے بارے میں وینیو سے پوچھیں۔"),
    },
}

class Refused(Exception):
    """A template that cannot be rendered within the limits, or with these values; str() says why."""


class _Bounded(SandboxedEnvironment):
    """The sandbox, refusing also to repeat a text or list past MAX_CHARS items or to raise a
    number past MAX_POWER_BITS (intercepted operators are also never evaluated while compiling)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(times, int) \
                        and len(sequence) * times > MAX_CHARS:
                    raise SecurityError(f"repeating {len(sequence)} items {times} times makes more than {MAX_CHARS}")
        elif isinstance(left, int) and isinstance(right, int) and right * abs(left).bit_length() > MAX_POWER_BITS:
            raise SecurityError(f"{left} ** {right} is a number of more than {MAX_POWER_BITS} bits")
        return super().call_binop(context, operator, left, right)


_text = _Bounded(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_html = _Bounded(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)

# What a template is rendered with when it is saved: every variable a kind provides, a plausible value.
SAMPLES = {
    "first_name": "Ayesha", "link": "http://127.0.0.1:3000/verify-email?token=sample-token",
    "token": "sample-token", "expires_at": "03 Dec 2026 18:00 PKT", "changed_at": "01 Dec 2026 09:30 PKT",
    "venue_name": "Padel Arena DHA", "court_name": "Court 1", "date": "Thu 03 Dec 2026", "start_time": "18:00",
    "end_time": "19:30", "booking_id": "00000000-0000-4000-8000-000000000000", "price": "Rs 4,500",
    "reason": "rain", "refund": "Rs 4,500", "venue_address": "Street 12, DHA Phase 6, Karachi",
    "venue_phone": "+922135550100", "previous_start_time": "03 Dec 2026 16:00 PKT",
    "headline": "Two new courts in DHA", "requester_name": "Bilal Ahmed", "addressee_name": "Sana Malik", "message": "Book them from Monday.",
    "player_name": "Bilal Ahmed", "player_phone": "+923001234567", "special_requests": "Two rackets, please",
    "hold_expires_at": "03 Dec 2026 12:00 PKT", "invitee_name": "Sana Malik",
    "amount": "Rs 1,125", "wallet": "JazzCash", "provider_reference": "T20261203.0001", "fee": "Rs 0",
    "fee_due_at_venue": "yes",
    "due_by": "03 Dec 2026 16:00 PKT", "shares": "2",
    "match_id": "00000000-0000-4000-8000-000000000001", "free_places": "1", "level": "3.25",
    "level_before": "3.10", "level_after": "3.25", "score": "6-4, 3-6, 7-5",
    "attempted_at": "01 Dec 2026 09:30 PKT", "failures": "4", "last_failed_at": "01 Dec 2026 09:31 PKT",
    "games": "8", "dates": "Thu 03 Dec 2026 18:00, Thu 10 Dec 2026 18:00", "skipped": "1", "rating": "4",
    "text": "Great lights", "answer": "Thank you, see you soon", "place": "2", "week_start": "Mon 30 Nov 2026",
    "week_end": "Sun 06 Dec 2026", "bookings": "42", "occupancy": "61%", "revenue": "Rs 310,500",
    "no_show_rate": "2%", "new_players": "7",
    "plan_name": "Gold", "paid_until": "03 Jan 2027 18:00 PKT", "grace_ends_at": "10 Jan 2027 18:00 PKT",
    "renewed": "yes", "in_grace": "", "renewal_withdrawn": "yes", "membership": "", "pending": "",
}


def is_html(channel: str, field: str) -> bool:
    """Only an email body is HTML; subjects and every other channel are plain text."""
    return channel == EMAIL and field == "body"


def _email_html(text: str) -> str:
    paragraphs = "".join(f"<p>{part}</p>" for part in text.split("\n\n"))
    paragraphs = paragraphs.replace("{{ link }}", '<a href="{{ link }}">{{ link }}</a>')
    return f'<!doctype html>\n<html><body style="font-family: sans-serif">{paragraphs}</body></html>\n'


def defaults() -> list[tuple[str, str, str, str, str]]:
    """(kind, channel, language, subject, body) of every template that ships with the service."""
    shipped = []
    for kind, languages in _DEFAULTS.items():
        channels = (EMAIL,) if KINDS[kind].urgent else CHANNELS
        for language, (subject, text) in languages.items():
            for channel in channels:
                shipped.append((kind, channel, language, subject, _email_html(text) if channel == EMAIL else text))
    return shipped


@functools.cache
def _shipped_texts() -> frozenset[tuple[str, str]]:
    return frozenset((subject, body) for _kind, _channel, _language, subject, body in defaults())


def shipped(subject: str, body: str) -> bool:
    """Whether a template's subject and body are, together, one of the shipped templates' as they are."""
    return (subject, body) in _shipped_texts()


def check(kind: str, channel: str, subject: str, body: str) -> None:
    """Refuses a template whose subject or body fails `check_field`."""
    for field, source in (("subject", subject), ("body", body)):
        check_field(kind, channel, field, source)


def check_field(kind: str, channel: str, field: str, source: str) -> None:
    """Refuses (InvalidArgument naming `template.<field>`) a template text that does not parse, uses
    a name its kind does not provide, or cannot be rendered within the limits with sample values."""
    spec = KINDS.get(kind)
    if spec is None:
        raise InvalidArgument.field("template.kind", f"unknown kind; one of {', '.join(sorted(KINDS))}")
    html = is_html(channel, field)
    try:
        parsed = (_html if html else _text).parse(source)
    except TemplateSyntaxError as error:
        raise InvalidArgument.field(f"template.{field}", f"line {error.lineno}: {error.message}") from None
    unknown = meta.find_undeclared_variables(parsed) - spec.variables
    if unknown:
        raise InvalidArgument.field(
            f"template.{field}",
            f"unknown variable {', '.join(sorted(unknown))}; {kind} provides {', '.join(sorted(spec.variables))}")
    try:
        render(source, {name: SAMPLES[name] for name in spec.variables}, html=html)
    except Refused as refused:
        raise InvalidArgument.field(f"template.{field}", f"cannot be rendered: {refused}") from None


@functools.lru_cache(maxsize=256)
def _compiled(source: str, html: bool) -> Template:
    return (_html if html else _text).from_string(source)


def render(source: str, variables: dict[str, str], *, html: bool) -> str:
    """Renders one template text, or raises Refused (a missing variable, a sandbox refusal, output
    past MAX_CHARS, any other failure of the template) or MemoryError."""
    try:
        parts, size = [], 0
        for part in _compiled(source, html).generate(variables):
            size += len(part)
            if size > MAX_CHARS:
                raise Refused(f"renders more than {MAX_CHARS} characters")
            parts.append(part)
    except (Refused, MemoryError):
        raise  # MemoryError: the renderer process says how much a template may use
    except Exception as error:  # noqa: BLE001 - whatever the template does wrong is its own failure
        raise Refused(str(error) or type(error).__name__) from None
    return "".join(parts)
