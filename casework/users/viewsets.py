from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from casework.users.forms import CaseworkUserCreationForm, CaseworkUserEditForm


class UserViewSet(WagtailUserViewSet):
    create_template_name = "casework/users/create.html"
    edit_template_name = "casework/users/edit.html"

    def get_form_class(self, for_update=False):
        return CaseworkUserEditForm if for_update else CaseworkUserCreationForm
