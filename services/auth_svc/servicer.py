"""AuthService over gRPC: request message → use case → response message. Conversions between
protobuf and Python live here and in events.py (roles, timestamps)."""

from google.protobuf import json_format
from padel.auth.v1 import auth_pb2
from padel.auth.v1 import auth_service_pb2 as pb
from padel.auth.v1 import auth_service_pb2_grpc

from auth_svc import events
from auth_svc.accounts import Accounts
from auth_svc.keys import SigningKeys
from auth_svc.store import Account
from auth_svc.tokens import TOKEN_TYPE, IssuedPair
from mesh import caller, origin
from mesh.caller import ADMIN


def account_message(account: Account) -> auth_pb2.Account:
    return auth_pb2.Account(
        user_id=account.id, email=account.email, first_name=account.first_name, last_name=account.last_name,
        phone=account.phone, roles=events.proto_roles(account.roles), email_verified=account.email_verified,
        created_at=events.timestamp(account.created_at))


def token_pair(pair: IssuedPair) -> auth_pb2.TokenPair:
    return auth_pb2.TokenPair(
        access_token=pair.access_token, refresh_token=pair.refresh_token, token_type=TOKEN_TYPE,
        expires_in=pair.access_seconds, access_expires_at=events.timestamp(pair.access_expires_at),
        refresh_expires_at=events.timestamp(pair.refresh_expires_at))


def client_address(context) -> str:
    """The client's address for throttling: the one the edge vouches for, else the caller's own."""
    return origin.client_address(context)


class AuthServicer(auth_service_pb2_grpc.AuthServiceServicer):
    def __init__(self, keys: SigningKeys, accounts: Accounts):
        self.keys = keys
        self.accounts = accounts

    def GetJwks(self, request, context):
        return json_format.ParseDict(self.keys.jwks, pb.GetJwksResponse())

    def Register(self, request, context):
        role = events.ROLE_FROM_PROTO.get(request.role, "player")
        account = self.accounts.register(request.email, request.password, request.first_name, request.last_name,
                                         request.phone, role)
        return pb.RegisterResponse(account=account_message(account))

    def Login(self, request, context):
        account, pair = self.accounts.login(request.email, request.password, client_address(context))
        return pb.LoginResponse(tokens=token_pair(pair), account=account_message(account))

    def Refresh(self, request, context):
        return pb.RefreshResponse(tokens=token_pair(self.accounts.refresh(request.refresh_token)))

    def Logout(self, request, context):
        self.accounts.logout(caller.current(), request.refresh_token)
        return pb.LogoutResponse()

    def GetMe(self, request, context):
        return pb.GetMeResponse(account=account_message(self.accounts.me(caller.current())))

    def VerifyEmail(self, request, context):
        return pb.VerifyEmailResponse(account=account_message(self.accounts.verify_email(request.token)))

    def ForgotPassword(self, request, context):
        self.accounts.forgot_password(request.email)
        return pb.ForgotPasswordResponse()

    def ResetPassword(self, request, context):
        self.accounts.reset_password(request.token, request.new_password, client_address(context))
        return pb.ResetPasswordResponse()

    def SignInWithGoogle(self, request, context):
        account, pair, created = self.accounts.sign_in_with_google(request.id_token)
        return pb.SignInWithGoogleResponse(tokens=token_pair(pair), account=account_message(account), created=created)

    def GrantRole(self, request, context):
        account = self.accounts.change_role(caller.require_role(ADMIN), request.user_id,
                                            events.ROLE_FROM_PROTO.get(request.role, ""), granting=True)
        return pb.GrantRoleResponse(account=account_message(account))

    def DeleteAccount(self, request, context):
        confirmation = request.WhichOneof("confirmation")
        deleted_at = self.accounts.delete_account(
            caller.current(), request.password if confirmation == "password" else None,
            request.google_id_token if confirmation == "google_id_token" else None, client_address(context))
        return pb.DeleteAccountResponse(deleted_at=events.timestamp(deleted_at))

    def RevokeRole(self, request, context):
        account = self.accounts.change_role(caller.require_role(ADMIN), request.user_id,
                                            events.ROLE_FROM_PROTO.get(request.role, ""), granting=False)
        return pb.RevokeRoleResponse(account=account_message(account))
