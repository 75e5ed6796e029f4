"""AuthService over gRPC: request message → use case → response message. Conversions between
protobuf and Python live in convert.py."""

from padel.auth.v1 import auth_service_pb2 as pb
from padel.auth.v1 import auth_service_pb2_grpc

from auth_svc import convert
from auth_svc.accounts import Accounts
from auth_svc.keys import SigningKeys
from mesh import caller, origin
from mesh.caller import PLAYER
from mesh.convert import timestamp


def client_address(context) -> str:
    """The client's address for throttling: the one the edge vouches for, else the caller's own."""
    return origin.client_address(context)


class AuthServicer(auth_service_pb2_grpc.AuthServiceServicer):
    def __init__(self, keys: SigningKeys, accounts: Accounts):
        self.keys = keys
        self.accounts = accounts

    def GetJwks(self, request, context):
        return convert.jwks(self.keys.jwks)

    def Register(self, request, context):
        account = self.accounts.register(request.email, request.password, request.first_name, request.last_name,
                                         request.phone, convert.role(request.role, PLAYER))
        return pb.RegisterResponse(account=convert.account(account))

    def Login(self, request, context):
        account, pair = self.accounts.login(request.email, request.password, client_address(context))
        return pb.LoginResponse(tokens=convert.token_pair(pair), account=convert.account(account))

    def Refresh(self, request, context):
        return pb.RefreshResponse(tokens=convert.token_pair(self.accounts.refresh(request.refresh_token)))

    def Logout(self, request, context):
        self.accounts.logout(caller.current(), request.refresh_token)
        return pb.LogoutResponse()

    def GetMe(self, request, context):
        return pb.GetMeResponse(account=convert.account(self.accounts.me(caller.current())))

    def VerifyEmail(self, request, context):
        return pb.VerifyEmailResponse(account=convert.account(self.accounts.verify_email(request.token)))

    def ForgotPassword(self, request, context):
        self.accounts.forgot_password(request.email)
        return pb.ForgotPasswordResponse()

    def ResetPassword(self, request, context):
        self.accounts.reset_password(request.token, request.new_password, client_address(context))
        return pb.ResetPasswordResponse()

    def SignInWithGoogle(self, request, context):
        account, pair, created = self.accounts.sign_in_with_google(request.id_token)
        return pb.SignInWithGoogleResponse(tokens=convert.token_pair(pair), account=convert.account(account),
                                           created=created)

    def GrantRole(self, request, context):
        account = self.accounts.change_role(caller.current(), request.user_id,
                                            convert.role(request.role, ""), granting=True)
        return pb.GrantRoleResponse(account=convert.account(account))

    def DeleteAccount(self, request, context):
        confirmation = request.WhichOneof("confirmation")
        deleted_at = self.accounts.delete_account(
            caller.current(), request.password if confirmation == "password" else None,
            request.google_id_token if confirmation == "google_id_token" else None, client_address(context))
        return pb.DeleteAccountResponse(deleted_at=timestamp(deleted_at))

    def RevokeRole(self, request, context):
        account = self.accounts.change_role(caller.current(), request.user_id,
                                            convert.role(request.role, ""), granting=False)
        return pb.RevokeRoleResponse(account=convert.account(account))
