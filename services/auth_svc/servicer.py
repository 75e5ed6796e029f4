"""AuthService over gRPC: request message → convert → use case → convert → response message. The
caller comes from `mesh.caller` and is passed explicitly; the unit of work is the service's
database."""

from padel.auth.v1 import auth_service_pb2 as pb
from padel.auth.v1 import auth_service_pb2_grpc

from auth_svc import convert
from auth_svc.service.accounts import Accounts
from auth_svc.service.sessions import Sessions
from mesh import caller, origin
from mesh.caller import PLAYER
from mesh.convert import timestamp
from mesh.db import Database


def client_address(context) -> str:
    """The client's address for throttling and the sign-in history: the one the edge vouches for,
    else the caller's own."""
    return origin.client_address(context)


class AuthServicer(auth_service_pb2_grpc.AuthServiceServicer):
    def __init__(self, database: Database, jwks: dict, accounts: Accounts, sessions: Sessions):
        self.database = database
        self.jwks = jwks  # the signing keys' public half, fixed for the process's life
        self.accounts = accounts
        self.sessions = sessions

    def GetJwks(self, request, context):
        return convert.jwks(self.jwks)

    def Register(self, request, context):
        account = self.accounts.register(self.database, request.email, request.password, request.first_name,
                                         request.last_name, request.phone, convert.role(request.role, PLAYER))
        return convert.registered(account)

    def Login(self, request, context):
        account, pair = self.sessions.login(self.database, request.email, request.password, client_address(context))
        return pb.LoginResponse(tokens=convert.token_pair(pair), account=convert.account(account))

    def Refresh(self, request, context):
        pair = self.sessions.refresh(self.database, request.refresh_token, client_address(context))
        return pb.RefreshResponse(tokens=convert.token_pair(pair))

    def Logout(self, request, context):
        self.sessions.logout(self.database, caller.current(), request.refresh_token)
        return pb.LogoutResponse()

    def GetMe(self, request, context):
        return pb.GetMeResponse(account=convert.account(self.accounts.me(self.database, caller.current())))

    def VerifyEmail(self, request, context):
        return pb.VerifyEmailResponse(account=convert.account(self.accounts.verify_email(self.database,
                                                                                         request.token)))

    def ForgotPassword(self, request, context):
        self.accounts.forgot_password(self.database, request.email)
        return pb.ForgotPasswordResponse()

    def ResetPassword(self, request, context):
        self.accounts.reset_password(self.database, request.token, request.new_password, client_address(context))
        return pb.ResetPasswordResponse()

    def SignInWithGoogle(self, request, context):
        account, pair, created = self.sessions.sign_in_with_google(self.database, request.id_token,
                                                                   client_address(context))
        return pb.SignInWithGoogleResponse(tokens=convert.token_pair(pair), account=convert.account(account),
                                           created=created)

    def GrantRole(self, request, context):
        account = self.accounts.change_role(self.database, caller.current(), request.user_id,
                                            convert.role(request.role, ""), granting=True)
        return pb.GrantRoleResponse(account=convert.account(account))

    def DeleteAccount(self, request, context):
        confirmation = request.WhichOneof("confirmation")
        deleted_at = self.accounts.delete_account(
            self.database, caller.current(), request.password if confirmation == "password" else None,
            request.google_id_token if confirmation == "google_id_token" else None, client_address(context))
        return pb.DeleteAccountResponse(deleted_at=timestamp(deleted_at))

    def ExportAccount(self, request, context):
        return convert.account_export(*self.accounts.export(self.database, caller.current()))

    def RevokeRole(self, request, context):
        account = self.accounts.change_role(self.database, caller.current(), request.user_id,
                                            convert.role(request.role, ""), granting=False)
        return pb.RevokeRoleResponse(account=convert.account(account))
