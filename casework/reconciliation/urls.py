from django.urls import path

from casework.reconciliation import views as imports

app_name = "casework_imports"
urlpatterns = [
    path("", imports.ImportIndexView.as_view(), name="index"),
    path("upload/", imports.ImportUploadView.as_view(), name="upload"),
    path("template/<str:kind>/", imports.download_template, name="template"),
    path("<int:pk>/", imports.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/commit/", imports.commit, name="commit"),
    path("<int:pk>/restart/", imports.restart, name="restart"),
    path("<int:pk>/file/", imports.download_file, name="file"),
    path("reconcile/", imports.ReconcileView.as_view(), name="reconcile"),
    path("reconcile/school/", imports.SchoolReconcileView.as_view(), name="school_reconcile"),
    path("reconcile/cases/", imports.open_cases_view, name="open_cases"),
    path("matches/", imports.ProbableMatchesView.as_view(), name="matches"),
    path("matches/<int:pk>/", imports.decide_match, name="decide_match"),
]
