"""The events booking_svc relays to its stream `padel.booking.events`, read back from the stream
(the in-process stand-in and real Redis) as notify reads them."""

import time
import uuid

import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from padel.booking.v1 import booking_pb2 as pb
from padel.booking.v1 import booking_service_pb2 as api
from padel.booking.v1 import booking_service_pb2_grpc, events_pb2

from booking_testkit import BookingClient, local_day, rpc_error, stamp
from mesh.redis import make_redis

STREAM = "padel.booking.events"


@pytest.fixture
def relayed(start_service, token_issuer, redis_url, players):
    """booking_svc relaying to `redis_url` (asking `players` who may be invited), and a client reading that Redis."""
    _host, channel = start_service("booking", PADEL_REDIS_URL=redis_url, PADEL_USER_ADDR=players.address)
    client = make_redis(redis_url)
    yield BookingClient(booking_service_pb2_grpc.BookingServiceStub(channel), token_issuer), client
    client.close()


def announced(client, booking_id: str, until: str, wait_seconds: float = 10) -> list[tuple[str, object]]:
    """(name, message) of the stream's events about one booking, oldest first, once `until` is among them."""
    deadline = time.monotonic() + wait_seconds
    while True:
        found = []
        for _id, fields in client.xrange(STREAM):
            name = fields[b"type"].decode().rsplit(".", 1)[1]
            message = getattr(events_pb2, name).FromString(fields[b"data"])
            if message.booking.booking_id == booking_id:
                found.append((name, message))
        if any(name == until for name, _ in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def update(booking: BookingClient, player: str, booking_id: str, paths: list[str], **fields) -> pb.Booking:
    return booking.stub.UpdateBooking(api.UpdateBookingRequest(
        booking_id=booking_id, update_mask=FieldMask(paths=paths), **fields), metadata=booking.player(player)).booking


def test_changing_only_the_invited_players_announces_who_was_added_and_removed(relayed, players):
    booking, client = relayed
    owner = str(uuid.uuid4())
    venue = booking.create_venue(owner)
    player, leaves, stays, joins = str(uuid.uuid4()), players.new(), players.new(), players.new()
    day = local_day(3)
    made = booking.book(player, venue.courts[0].court_id, day, "10:00", participant_ids=[leaves, stays])

    update(booking, player, made.booking_id, ["participant_ids"], participant_ids=[stays, joins])
    # Refused, reordered or unchanged lists invite nobody new: no event.
    error = rpc_error(update, booking, player, made.booking_id, ["participant_ids"], participant_ids=[player])
    assert error.details().startswith("participant_ids:")
    update(booking, player, made.booking_id, ["participant_ids", "special_requests"], participant_ids=[joins, stays],
           special_requests="two rackets")
    # A move with a new list announces the move only; its snapshot carries the list.
    update(booking, player, made.booking_id, ["start_time", "participant_ids"], start_time=stamp(day, "14:00"),
           participant_ids=[joins])

    events = announced(client, made.booking_id, until="BookingRescheduled")
    assert [name for name, _ in events] == ["BookingCreated", "BookingConfirmed", "InvitationSent", "InvitationSent",
                                            "InvitationSent", "BookingParticipantsChanged", "BookingRescheduled"]
    # Each invited player is asked once: when booked, or when added.
    assert [m.player_id for name, m in events if name == "InvitationSent"] == [leaves, stays, joins]
    changed = events[5][1]
    assert (list(changed.added_ids), list(changed.removed_ids)) == ([joins], [leaves])
    assert list(changed.booking.participant_ids) == [stays, joins]
    assert changed.booking.status == pb.BOOKING_STATUS_CONFIRMED and changed.booking.court_name == "Court 1"
    # The venue's owner is named on every event, so notify can tell them.
    assert {m.booking.venue_owner_id for _name, m in events} == {owner}
    assert list(events[6][1].booking.participant_ids) == [joins]


def test_a_pending_booking_announces_its_new_players_too(relayed, players):
    """booking_svc says what changed whatever the status; the snapshot's status lets notify decide."""
    booking, client = relayed
    venue = booking.create_venue(str(uuid.uuid4()), instant=False)
    player, friend = str(uuid.uuid4()), players.new()
    made = booking.book(player, venue.courts[0].court_id, local_day(2), "12:00")
    update(booking, player, made.booking_id, ["participant_ids"], participant_ids=[friend])
    events = announced(client, made.booking_id, until="BookingParticipantsChanged")
    assert [name for name, _ in events] == ["BookingCreated", "InvitationSent", "BookingParticipantsChanged"]
    assert events[1][1].player_id == friend
    assert events[2][1].booking.status == pb.BOOKING_STATUS_PENDING
    assert (list(events[2][1].added_ids), list(events[2][1].removed_ids)) == ([friend], [])


def test_answers_to_an_invitation_are_announced(relayed, players):
    """InvitationAccepted / InvitationDeclined carry the player and the booking (with its owner), so
    notify tells the booker; the same answer twice is announced once."""
    booking, client = relayed
    owner = str(uuid.uuid4())
    venue = booking.create_venue(owner)
    comes, skips = players.new(), players.new()
    made = booking.book(str(uuid.uuid4()), venue.courts[0].court_id, local_day(3), "18:00", participant_ids=[comes, skips])
    for _ in range(2):
        booking.stub.AcceptInvitation(api.AcceptInvitationRequest(booking_id=made.booking_id),
                                      metadata=booking.player(comes))
    booking.stub.DeclineInvitation(api.DeclineInvitationRequest(booking_id=made.booking_id),
                                   metadata=booking.player(skips))
    events = announced(client, made.booking_id, until="InvitationDeclined")
    answers = [(name, m.player_id) for name, m in events if name.startswith("Invitation")]
    assert answers == [("InvitationSent", comes), ("InvitationSent", skips), ("InvitationAccepted", comes),
                       ("InvitationDeclined", skips)]
    declined = events[-1][1]
    assert list(declined.booking.participant_ids) == [comes] and declined.booking.venue_owner_id == owner
