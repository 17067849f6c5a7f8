from django.urls import path

from funds import report_views, views

app_name = "funds"

urlpatterns = [
    path("funds/", views.fund_list, name="funds"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("funds/<int:pk>/calls/", views.capital_call_create, name="call_create"),
    path("funds/<int:pk>/board/", views.board, name="board"),
    path("funds/<int:pk>/deals/", views.deal_table, name="deals"),
    path("funds/<int:pk>/deals/new/", views.deal_create, name="deal_create"),
    path("calls/<int:pk>/", views.capital_call_detail, name="call"),
    path(
        "calls/<int:pk>/allocations/<int:allocation>/payment/",
        views.allocation_payment,
        name="payment",
    ),
    path("calls/<int:pk>/notices/<int:allocation>/", report_views.call_notice, name="call_notice"),
    path(
        "calls/<int:pk>/notices/<int:allocation>/pdf/",
        report_views.call_notice_pdf,
        name="call_notice_pdf",
    ),
    path(
        "funds/<int:pk>/partners/<int:partner_id>/statement/",
        report_views.partner_statement,
        name="statement",
    ),
    path(
        "funds/<int:pk>/partners/<int:partner_id>/statement/pdf/",
        report_views.partner_statement_pdf,
        name="statement_pdf",
    ),
    path(
        "funds/<int:pk>/reports/<int:year>/Q<int:quarter>/",
        report_views.fund_report,
        name="report",
    ),
    path(
        "funds/<int:pk>/reports/<int:year>/Q<int:quarter>/pdf/",
        report_views.fund_report_pdf,
        name="report_pdf",
    ),
    path("deals/<int:pk>/", views.deal_detail, name="deal"),
    path("deals/<int:pk>/move/", views.deal_move, name="deal_move"),
    path("deals/<int:pk>/reopen/", views.deal_reopen, name="deal_reopen"),
    path("deals/<int:pk>/reviews/", views.review_add, name="review_add"),
    path("deals/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("deals/<int:pk>/investments/", views.investment_add, name="investment_add"),
    path("investments/<int:pk>/valuations/", views.valuation_add, name="valuation_add"),
    path("investments/<int:pk>/exit/", views.exit_add, name="exit_add"),
    path("projects/<int:pk>/refer/", views.project_refer, name="project_refer"),
]
