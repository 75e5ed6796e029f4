"""The one archive of a person's data (ExportArchive's use case and its peers), in process: a zip of
every service's export with a README, and a service that does not answer failing the whole export,
named (never a partial archive)."""

import datetime as dt
import io
import json
import uuid
import zipfile

import grpc
import pytest
from padel.auth.v1 import auth_pb2, auth_service_pb2
from padel.booking.v1 import booking_pb2, booking_service_pb2
from padel.match.v1 import match_service_pb2
from padel.notify.v1 import notify_service_pb2
from padel.payment.v1 import payment_service_pb2
from padel.user.v1 import user_service_pb2, user_service_pb2_grpc

from mesh.caller import Caller
from mesh.db import Database
from mesh.errors import Unavailable
from padel_testkit import free_port
from user_svc import convert
from user_svc.blobs import FileBlobStore
from user_svc.exports import PeerExports
from user_svc.server import MIGRATIONS
from user_svc.service import Archives, Avatars, Profiles


def person() -> Caller:
    return Caller(str(uuid.uuid4()), frozenset({"player"}), "t", dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
                  "token")


def test_a_service_that_does_not_answer_fails_the_export_naming_it():
    nowhere = f"127.0.0.1:{free_port()}"  # nothing listens there
    sources = PeerExports({name: nowhere for name in ("auth", "booking", "notify", "payment", "match")})
    with pytest.raises(Unavailable, match=r"^auth_svc is unavailable, so no archive was made"):
        sources.collect(person())
    sources.calls["auth"] = (lambda request, **_: auth_service_pb2.ExportAccountResponse(), None)
    with pytest.raises(Unavailable, match=r"^booking_svc is unavailable") as refused:
        sources.collect(person())
    assert nowhere not in refused.value.message  # internal addresses stay in the log


def test_the_archive_call_answers_unavailable_over_grpc(start_service, token_issuer):
    """The test's token issuer stands in for auth_svc (keys only: no ExportAccount), so auth's part fails."""
    nowhere = f"127.0.0.1:{free_port()}"
    peers_down = {f"PADEL_{name}_ADDR": nowhere for name in ("BOOKING", "NOTIFY", "PAYMENT", "MATCH")}
    _, channel = start_service("user", **peers_down)
    with pytest.raises(grpc.RpcError) as refused:
        user_service_pb2_grpc.UserServiceStub(channel).ExportArchive(
            user_service_pb2.ExportArchiveRequest(), metadata=token_issuer.metadata(str(uuid.uuid4())))
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    assert refused.value.details().startswith("auth_svc is unavailable, so no archive was made")


def test_the_archive_is_a_zip_of_every_services_export_with_a_readme(sqlite_url, tmp_path):
    database = Database(sqlite_url)
    database.migrate(MIGRATIONS)
    sara = person()
    parts = {
        "auth": auth_service_pb2.ExportAccountResponse(account=auth_pb2.Account(email="sara@example.com")),
        "booking": booking_service_pb2.ExportBookingDataResponse(bookings=[booking_pb2.Booking(booking_id="b-1")]),
        "notify": notify_service_pb2.ExportNotifyDataResponse(),
        "payment": payment_service_pb2.ExportPaymentDataResponse(),
        "match": match_service_pb2.ExportMatchDataResponse(),
    }
    archives = Archives(Profiles(Avatars(FileBlobStore(tmp_path / "avatars"), "/api/users/avatars/")),
                        lambda caller: parts)
    made = archives.export(database, sara)
    body = convert.archive(made).body
    assert body.content_type == "application/zip"
    assert convert.archive_file_name(made) == f"padel-data-{made.exported_at.date().isoformat()}.zip"
    with zipfile.ZipFile(io.BytesIO(body.data)) as archive:
        assert archive.namelist() == ["README.txt", "auth.json", "user.json", "booking.json", "notify.json",
                                      "payment.json", "match.json"]
        readme = archive.read("README.txt").decode()
        files = {name: json.loads(archive.read(f"{name}.json")) for name in convert.ARCHIVE_FILES}
    assert sara.user_id in readme and "booking.json: your bookings" in readme
    assert files["auth"]["account"]["email"] == "sara@example.com"
    assert files["user"]["profile"]["user_id"] == sara.user_id  # user_svc's own part, field names as REST's
    assert [b["booking_id"] for b in files["booking"]["bookings"]] == ["b-1"]
    assert files["booking"]["bookings"][0]["invited"] is False  # fields at their default printed too, as REST does
    database.dispose()
