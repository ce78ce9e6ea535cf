"""Stub: to be written."""
from django.views.generic import View

MembersView = ChangeRoleView = RemoveMemberView = ApproveMemberView = RejectMemberView = RevokeInvitationView = View
