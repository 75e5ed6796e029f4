"""Avatars over real gRPC (`start_service("user")`, full interceptor chain): GetAvatar needs no
token and returns the current avatar's bytes and type, anything else is NOT_FOUND or
INVALID_ARGUMENT; uploads racing each other leave one avatar and its one file."""

import io
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from padel.user.v1 import user_service_pb2 as pb
from padel.user.v1 import user_service_pb2_grpc
from PIL import Image
from sqlalchemy import select

from user_svc import store


class Users(user_service_pb2_grpc.UserServiceStub):
    """The stub, plus where the running server keeps its avatar rows and files."""

    def __init__(self, channel, host, avatar_dir):
        super().__init__(channel)
        self.database, self.avatar_dir = host.database, avatar_dir

    def avatar_rows(self, user_id: str) -> list[str]:
        with self.database.session() as session:
            return list(session.scalars(select(store.Avatar.file_name).where(store.Avatar.user_id == user_id)))

    def files(self) -> list[str]:
        """Every file in the avatar folder (temporary ones included)."""
        return sorted(p.name for p in self.avatar_dir.iterdir()) if self.avatar_dir.exists() else []


@pytest.fixture(params=["embedded", pytest.param("postgres", marks=pytest.mark.postgres)])
def users(request, start_service, tmp_path):
    env = {}
    if request.param == "postgres":
        env["PADEL_USER_DATABASE_URL"] = request.getfixturevalue("make_postgres_db")()
    host, channel = start_service("user", **env)
    return Users(channel, host, tmp_path / "data" / "avatars")


def jpeg(color=(20, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (500, 260), color).save(out, "JPEG")
    return out.getvalue()


def upload(users, token_issuer, user_id: str, image: bytes | None = None) -> str:
    response = users.UploadAvatar(pb.UploadAvatarRequest(image=image or jpeg()),
                                  metadata=token_issuer.metadata(user_id), timeout=30)
    return response.avatar_url.rsplit("/", 1)[1]


def get_avatar(users, file_name: str):
    """GetAvatar without any token; (response, initial metadata as a dict)."""
    response, call = users.GetAvatar.with_call(pb.GetAvatarRequest(file_name=file_name), timeout=10)
    return response, dict(call.initial_metadata())


def error_of(users, file_name: str) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        users.GetAvatar(pb.GetAvatarRequest(file_name=file_name), timeout=10)
    return caught.value


def bad_fields(error: grpc.RpcError) -> set[str]:
    fields = set()
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            fields.update(violation.field for violation in bad_request.field_violations)
    return fields


def test_get_avatar_returns_the_webp_without_a_token(users, token_issuer):
    file_name = upload(users, token_issuer, str(uuid.uuid4()))
    response, metadata = get_avatar(users, file_name)
    assert response.body.content_type == "image/webp"
    with Image.open(io.BytesIO(response.body.data)) as image:
        assert image.format == "WEBP" and image.size == (256, 256)
    assert metadata["cache-control"] == "public, max-age=31536000, immutable"


def test_replaced_deleted_and_unknown_avatars_are_not_found(users, token_issuer):
    user_id = str(uuid.uuid4())
    first = upload(users, token_issuer, user_id)
    second = upload(users, token_issuer, user_id)
    assert error_of(users, first).code() == grpc.StatusCode.NOT_FOUND
    assert get_avatar(users, second)[0].body.data
    users.DeleteProfile(pb.DeleteProfileRequest(), metadata=token_issuer.metadata(user_id), timeout=10)
    assert error_of(users, second).code() == grpc.StatusCode.NOT_FOUND
    # Another player's id with this player's suffix is not their avatar either.
    other = f"{uuid.uuid4()}-{second.rsplit('-', 1)[1]}"
    assert error_of(users, other).code() == grpc.StatusCode.NOT_FOUND


BAD_NAMES = ["", "../../auth/signing-key.pem", "../x", "..", "x.webp", ".incoming-abc",
             f"{uuid.uuid4()}-0123456789ab.webp/..", f"{uuid.uuid4()}-0123456789AB.webp",
             f"{uuid.uuid4()}-0123456789ab.png", f"../{uuid.uuid4()}-0123456789ab.webp"]


def test_names_that_are_not_avatar_names_are_invalid(users):
    for file_name in BAD_NAMES:  # one server for all names: starting one per name is the slow part
        error = error_of(users, file_name)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_fields(error) == {"file_name"}, file_name


def test_parallel_uploads_all_succeed_and_leave_one_avatar_and_one_file(users, token_issuer):
    """32 uploads at once for a player with no avatar: each is 200 (the last one wins), and what is
    left is one avatar row and exactly one file on disk, the one the row and the profile name."""
    user_id, count = str(uuid.uuid4()), 32
    images = [jpeg((i * 7, 255 - i * 7, 90)) for i in range(count)]
    start = threading.Barrier(count)

    def racer(image: bytes):
        request, metadata = pb.UploadAvatarRequest(image=image), token_issuer.metadata(user_id)
        start.wait()
        try:
            return users.UploadAvatar(request, metadata=metadata, timeout=60).avatar_url.rsplit("/", 1)[1]
        except grpc.RpcError as error:
            return error

    with ThreadPoolExecutor(count) as pool:
        results = list(pool.map(racer, images))
    failures = [(r.code(), r.details()) for r in results if isinstance(r, grpc.RpcError)]
    assert failures == []
    rows = users.avatar_rows(user_id)
    assert len(rows) == 1 and rows[0] in results
    assert users.files() == rows
    profile = users.GetProfile(pb.GetProfileRequest(), metadata=token_issuer.metadata(user_id), timeout=10).profile
    assert profile.avatar_url.rsplit("/", 1)[1] == rows[0]
    assert get_avatar(users, rows[0])[0].body.data == (users.avatar_dir / rows[0]).read_bytes()
