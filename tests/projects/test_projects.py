import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.canal import achievement_thread
from projects import hops as stored_hops
from projects import services
from projects.choices import ProjectStage
from projects.models import AchievementEvent, Milestone, Product, Project
from tests.api_checks import APIResourceChecks
from tests.factories import (
    MilestoneFactory,
    OrganizationFactory,
    ProductFactory,
    ProjectFactory,
    member_achievement,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


# --- Opening a project -----------------------------------------------------------------------


def test_secretariat_opens_a_project_from_an_accepted_achievement(
    secretariat_a, accepted_a, enterprise_a
):
    project = services.project_save(
        project=Project(achievement=accepted_a, enterprise=enterprise_a), actor=secretariat_a
    )
    assert project.stage == ProjectStage.PILOT
    assert project.title == accepted_a.title
    assert project.pilot_started_on == TODAY
    assert project.events.get().to_status == ProjectStage.PILOT


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "rejected"])
def test_a_project_is_refused_for_an_achievement_that_is_not_accepted(
    secretariat_a, org_a, alliance_a, enterprise_a, status
):
    achievement = member_achievement(org_a, alliance_a, status=status, review_comment="x")
    with pytest.raises(ValidationError) as error:
        services.project_save(
            project=Project(achievement=achievement, enterprise=enterprise_a), actor=secretariat_a
        )
    assert "achievement" in error.value.message_dict
    assert not Project.objects.exists()


def test_the_database_refuses_a_project_of_an_unaccepted_achievement(submitted_a, enterprise_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(
            achievement=submitted_a, enterprise=enterprise_a, title="x", started_on=TODAY
        )


def test_the_enterprise_must_be_a_member_of_the_alliance(secretariat_a, accepted_a):
    outsider_firm = OrganizationFactory(kind="enterprise")
    with pytest.raises(ValidationError) as error:
        services.project_save(
            project=Project(achievement=accepted_a, enterprise=outsider_firm), actor=secretariat_a
        )
    assert "enterprise" in error.value.message_dict


def test_the_enterprise_user_may_open_one_for_their_own_enterprise(
    enterprise_user, accepted_a, enterprise_a
):
    project = services.project_save(
        project=Project(achievement=accepted_a, enterprise=enterprise_a), actor=enterprise_user
    )
    assert project.created_by == enterprise_user


def test_another_institute_cannot_open_a_project(submitter_b, accepted_a, enterprise_a):
    with pytest.raises(PermissionDenied):
        services.project_save(
            project=Project(achievement=accepted_a, enterprise=enterprise_a), actor=submitter_b
        )


# --- Stage moves -----------------------------------------------------------------------------


LEGAL = [
    ("pilot", "industrialization"),
    ("pilot", "on_hold"),
    ("pilot", "terminated"),
    ("industrialization", "market"),
    ("industrialization", "on_hold"),
    ("industrialization", "terminated"),
    ("market", "completed"),
    ("market", "on_hold"),
    ("market", "terminated"),
]
ILLEGAL = [
    ("pilot", "market"),
    ("pilot", "completed"),
    ("pilot", "pilot"),
    ("industrialization", "pilot"),
    ("industrialization", "completed"),
    ("market", "industrialization"),
    ("completed", "market"),
    ("completed", "on_hold"),
    ("terminated", "pilot"),
    ("terminated", "industrialization"),
    ("pilot", "no_such_stage"),
]


def _project_in(stage, project):
    Project.objects.filter(pk=project.pk).update(
        stage=stage, stage_reason="r" if stage in ("on_hold", "terminated") else ""
    )
    project.refresh_from_db()
    return project


@pytest.mark.parametrize(("start", "target"), LEGAL)
def test_each_legal_move(secretariat_a, project_a, start, target):
    project = _project_in(start, project_a)
    services.project_move(project=project, actor=secretariat_a, stage=target, comment="理由")
    project.refresh_from_db()
    assert project.stage == target
    event = project.events.last()
    assert (event.from_status, event.to_status, event.actor) == (start, target, secretariat_a)


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_each_illegal_move_is_refused(secretariat_a, project_a, start, target):
    project = _project_in(start, project_a)
    with pytest.raises(ValidationError):
        services.project_move(project=project, actor=secretariat_a, stage=target, comment="x")
    project.refresh_from_db()
    assert project.stage == start


def test_on_hold_needs_a_reason_and_resumes_where_it_stopped(secretariat_a, project_a):
    with pytest.raises(ValidationError):
        services.project_move(project=project_a, actor=secretariat_a, stage="on_hold")
    services.project_move(project=project_a, actor=secretariat_a, stage="on_hold", comment="缺资金")
    project_a.refresh_from_db()
    assert project_a.legal_moves == ("pilot", "terminated")
    with pytest.raises(ValidationError):
        services.project_move(project=project_a, actor=secretariat_a, stage="industrialization")
    services.project_move(project=project_a, actor=secretariat_a, stage="pilot")
    project_a.refresh_from_db()
    assert project_a.stage == ProjectStage.PILOT and project_a.stage_reason == ""


def test_moves_set_the_canal_dates_once(secretariat_a, project_a):
    services.project_move(
        project=project_a,
        actor=secretariat_a,
        stage="industrialization",
        on=datetime.date(2024, 6, 1),
    )
    services.project_move(
        project=project_a, actor=secretariat_a, stage="market", on=datetime.date(2024, 9, 1)
    )
    project_a.refresh_from_db()
    assert project_a.industrialization_started_on == datetime.date(2024, 6, 1)
    assert project_a.market_launched_on == datetime.date(2024, 9, 1)


def test_a_move_cannot_be_dated_in_the_future_or_before_the_last(secretariat_a, project_a):
    with pytest.raises(ValidationError):
        services.project_move(
            project=project_a,
            actor=secretariat_a,
            stage="industrialization",
            on=TODAY + datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        services.project_move(
            project=project_a,
            actor=secretariat_a,
            stage="industrialization",
            on=datetime.date(2000, 1, 1),
        )


@pytest.mark.parametrize("persona", ["secretariat_b", "submitter_a", "analyst", "fund_manager"])
def test_only_the_secretariat_and_the_enterprise_move_a_project(request, project_a, persona):
    with pytest.raises(PermissionDenied):
        services.project_move(
            project=project_a, actor=request.getfixturevalue(persona), stage="industrialization"
        )


def test_the_enterprise_moves_its_project(enterprise_user, project_a):
    services.project_move(project=project_a, actor=enterprise_user, stage="industrialization")
    project_a.refresh_from_db()
    assert project_a.stage == ProjectStage.INDUSTRIALIZATION


# --- Milestones and products -------------------------------------------------------------------


def test_the_enterprise_ticks_a_milestone_done(enterprise_user, project_a):
    milestone = MilestoneFactory(project=project_a)
    services.milestone_mark_done(milestone=milestone, actor=enterprise_user)
    milestone.refresh_from_db()
    assert milestone.done_on == TODAY


def test_a_milestone_update_is_refused_for_an_unrelated_organisation(submitter_b, project_a):
    milestone = MilestoneFactory(project=project_a)
    with pytest.raises(PermissionDenied):
        services.milestone_mark_done(milestone=milestone, actor=submitter_b)
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_overdue_milestones(project_a):
    late = MilestoneFactory(project=project_a, due_on=TODAY - datetime.timedelta(days=3))
    MilestoneFactory(project=project_a, due_on=TODAY + datetime.timedelta(days=3))
    MilestoneFactory(project=project_a, due_on=TODAY - datetime.timedelta(days=3), done_on=TODAY)
    assert list(Milestone.objects.overdue()) == [late]
    assert late.is_overdue
    assert Project.objects.with_overdue().get().overdue_count == 1


def test_a_product_replacing_imports_names_what_it_replaces(enterprise_user, project_a):
    with pytest.raises(ValidationError):
        services.product_save(
            product=Product(project=project_a, name="EVA", replaces_import=True),
            actor=enterprise_user,
        )
    product = services.product_save(
        product=Product(
            project=project_a,
            name="EVA",
            replaces_import=True,
            replaced_product="进口 EVA",
            domestic_market_share=40,
        ),
        actor=enterprise_user,
    )
    assert product.enterprise == project_a.enterprise


def test_market_share_above_100_is_refused(enterprise_user, project_a):
    with pytest.raises(ValidationError):
        services.product_save(
            product=Product(project=project_a, name="X", domestic_market_share=120),
            actor=enterprise_user,
        )


# --- The canal thread ---------------------------------------------------------------------------


def _at(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_canal_days_per_hop_come_from_the_recorded_history(analyst, accepted_a, enterprise_a):
    AchievementEvent.objects.bulk_create(
        [
            AchievementEvent(
                achievement=accepted_a,
                from_status="draft",
                to_status="submitted",
                at=_at(datetime.date(2020, 1, 1)),
            ),
            AchievementEvent(
                achievement=accepted_a,
                from_status="submitted",
                to_status="accepted",
                at=_at(datetime.date(2020, 1, 31)),
            ),
        ]
    )
    ProjectFactory(
        achievement=accepted_a,
        enterprise=enterprise_a,
        started_on=datetime.date(2020, 3, 1),
        stage="market",
        industrialization_started_on=datetime.date(2020, 12, 1),
        market_launched_on=datetime.date(2021, 6, 1),
    )
    stored_hops.rebuild([accepted_a.pk])  # the history was written around the services
    hops = {hop.key: hop for hop in achievement_thread(accepted_a, analyst)}
    assert hops["submitted"].days is None
    assert hops["accepted"].days == 30
    assert hops["pilot"].days == 30  # 31 Jan → 1 Mar 2020 (a leap year)
    assert hops["industrialization"].days == 275
    assert hops["market"].days == 182
    assert hops["industrialization"].organization == enterprise_a.display_name
    # hops not reached have no date and no days, whatever today is
    assert (hops["deal"].on, hops["deal"].days) == (None, None)


def test_a_skipped_hop_counts_from_the_previous_reached_one(analyst, accepted_a, enterprise_a):
    AchievementEvent.objects.create(
        achievement=accepted_a,
        from_status="submitted",
        to_status="accepted",
        at=_at(datetime.date(2022, 1, 1)),
    )
    ProjectFactory(
        achievement=accepted_a,
        enterprise=enterprise_a,
        started_on=datetime.date(2022, 1, 11),
        pilot_started_on=None,
        industrialization_started_on=datetime.date(2022, 1, 11),
    )
    stored_hops.rebuild([accepted_a.pk])  # the history was written around the services
    hops = {hop.key: hop for hop in achievement_thread(accepted_a, analyst)}
    assert hops["pilot"].on is None and hops["pilot"].skipped
    assert hops["industrialization"].days == 10


def test_the_thread_hides_projects_the_user_may_not_see(submitter_b, project_a):
    stored_hops.rebuild([project_a.achievement_id])
    hops = {hop.key: hop for hop in achievement_thread(project_a.achievement, submitter_b)}
    assert "pilot" not in hops


# --- API ------------------------------------------------------------------------------------


class TestProjectsAPI(APIResourceChecks):
    list_url = "/api/v1/projects/"
    reader = writer = "secretariat_a"
    outsider = "secretariat_b"
    max_queries = 7

    def create_payload_for(self, request):
        achievement = request.getfixturevalue("accepted_a")
        enterprise = request.getfixturevalue("enterprise_a")
        return {"achievement": achievement.pk, "enterprise": enterprise.pk, "budget": "1000.00"}

    def update_payload_for(self, request, row):
        return {"planned_capacity": "200000"}

    def make_rows(self, count, request):
        accepted, enterprise = (
            request.getfixturevalue("accepted_a"),
            request.getfixturevalue("enterprise_a"),
        )
        for _ in range(count):
            MilestoneFactory(
                project=ProjectFactory(achievement=accepted, enterprise=enterprise),
                due_on=TODAY - datetime.timedelta(days=1),
            )


class TestProductsAPI(APIResourceChecks):
    list_url = "/api/v1/products/"
    anonymous_may_read = True
    writer = "secretariat_a"
    outsider = "secretariat_b"
    max_queries = 6

    def create_payload_for(self, request):
        return {"project": request.getfixturevalue("project_a").pk, "name": "高熔指聚丙烯"}

    def update_payload_for(self, request, row):
        return {"name": "乙烯-醋酸乙烯共聚物"}

    def make_rows(self, count, request):
        project = request.getfixturevalue("project_a")
        ProductFactory.create_batch(count, project=project)


class TestMilestonesAPI(APIResourceChecks):
    list_url = "/api/v1/milestones/"
    reader = writer = "enterprise_user"
    outsider = "secretariat_b"
    max_queries = 8

    def create_payload_for(self, request):
        project = request.getfixturevalue("project_a")
        return {"project": project.pk, "title": "中试装置投料", "due_on": "2030-06-30"}

    def update_payload_for(self, request, row):
        return {"title": "中试装置连续运行"}

    def make_rows(self, count, request):
        MilestoneFactory.create_batch(count, project=request.getfixturevalue("project_a"))


def test_api_opens_a_project_and_moves_it(api, secretariat_a, accepted_a, enterprise_a):
    api.as_user(secretariat_a)
    response = api.post(
        "/api/v1/projects/",
        {"achievement": accepted_a.pk, "enterprise": enterprise_a.pk, "budget": "1000000.00"},
    )
    assert response.status_code == 201, response.data
    pk = response.data["id"]
    moved = api.post(
        f"/api/v1/projects/{pk}/move/", {"stage": "industrialization", "comment": "ok"}
    )
    assert moved.status_code == 200, moved.data
    assert moved.data["stage"] == "industrialization"
    illegal = api.post(f"/api/v1/projects/{pk}/move/", {"stage": "completed"})
    assert illegal.status_code == 400
    assert "stage" in illegal.data
    assert Project.objects.get(pk=pk).stage == "industrialization"


def test_api_refuses_a_project_for_an_unaccepted_achievement(
    api, secretariat_a, submitted_a, enterprise_a
):
    response = api.as_user(secretariat_a).post(
        "/api/v1/projects/", {"achievement": submitted_a.pk, "enterprise": enterprise_a.pk}
    )
    assert response.status_code == 400
    assert "achievement" in response.data
    assert not Project.objects.exists()


def test_api_milestone_update_refused_for_an_unrelated_organisation(api, submitter_b, project_a):
    milestone = MilestoneFactory(project=project_a)
    response = api.as_user(submitter_b).patch(
        f"/api/v1/milestones/{milestone.pk}/", {"done_on": str(TODAY)}
    )
    assert response.status_code in (403, 404)
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_api_canal_thread(api, analyst, project_a):
    stored_hops.rebuild([project_a.achievement_id])
    data = api.as_user(analyst).get(f"/api/v1/achievements/{project_a.achievement_id}/canal/").data
    assert [hop["key"] for hop in data["hops"]][:3] == ["submitted", "accepted", "pilot"]
    pilot = data["hops"][2]
    assert pilot["on"] == str(project_a.pilot_started_on)


def test_projects_are_not_public(api, project_a):
    assert api.get("/api/v1/projects/").status_code == 401


def test_another_institute_does_not_see_the_project(api, submitter_b, project_a):
    assert api.as_user(submitter_b).get("/api/v1/projects/").data["count"] == 0


# --- Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/projects/",
        "/milestones/overdue/",
        "/projects/?overdue=true",
        "/projects/?ordering=-overdue",
        "/projects/?ordering=enterprise&stage=pilot",
        "/milestones/overdue/?ordering=-alliance",
    ],
)
def test_project_pages_run_a_fixed_number_of_queries(
    client, secretariat_a, accepted_a, enterprise_a, django_assert_max_num_queries, url
):
    client.force_login(secretariat_a)
    for count in (3, 27):
        for _ in range(count):
            project = ProjectFactory(achievement=accepted_a, enterprise=enterprise_a)
            MilestoneFactory(project=project, due_on=TODAY - datetime.timedelta(days=2))
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_the_project_lists_sort_by_their_columns_and_count_their_results(
    client, secretariat_a, accepted_a, enterprise_a
):
    client.force_login(secretariat_a)
    for title, started, due in (("乙项目", 2, 5), ("甲项目", 3, 1), ("丙项目", 1, 9)):
        project = ProjectFactory(
            achievement=accepted_a,
            enterprise=enterprise_a,
            title=title,
            started_on=TODAY - datetime.timedelta(days=100 * started),
        )
        MilestoneFactory(
            project=project, title=f"{title}节点", due_on=TODAY - datetime.timedelta(days=due)
        )

    def titles(url):
        response = client.get(url)
        return [row.title for row in response.context["page"]], response.content.decode()

    newest_first, page = titles("/projects/")
    assert newest_first == ["丙项目", "乙项目", "甲项目"]
    assert 'data-testid="result-count" role="status">3 results<' in page
    assert 'aria-sort="descending"><a class="sort" href="?ordering=started"' in page
    assert titles("/projects/?ordering=started")[0] == ["甲项目", "乙项目", "丙项目"]
    assert titles("/projects/?ordering=-title")[0] == sorted(newest_first, reverse=True)
    assert titles("/projects/?ordering=bogus")[0] == newest_first  # an unknown key: the default
    filtered, page = titles("/projects/?ordering=title&q=甲")
    assert filtered == ["甲项目"] and ">1 result<" in page
    assert '<input type="hidden" name="ordering" value="title">' in page  # kept by the filters

    overdue, page = titles("/milestones/overdue/")
    assert overdue == ["丙项目节点", "乙项目节点", "甲项目节点"]  # the longest overdue first
    assert ">3 results<" in page and 'href="?ordering=-due"' in page
    assert titles("/milestones/overdue/?ordering=-due")[0] == overdue[::-1]
    assert titles("/milestones/overdue/?ordering=project")[0] == sorted(overdue)


def test_project_page_flags_overdue_milestones(client, secretariat_a, project_a):
    MilestoneFactory(
        project=project_a, title="逾期里程碑", due_on=TODAY - datetime.timedelta(days=5)
    )
    client.force_login(secretariat_a)
    page = client.get(f"/projects/{project_a.pk}/").content.decode()
    assert "逾期里程碑" in page
    assert 'class="overdue"' in page


def test_move_form_shows_the_error_of_an_illegal_move(client, secretariat_a, project_a):
    client.force_login(secretariat_a)
    response = client.post(f"/projects/{project_a.pk}/move/", {"stage": "on_hold", "comment": ""})
    assert response.status_code == 400
    assert "Give the reason" in response.content.decode()
    project_a.refresh_from_db()
    assert project_a.stage == "pilot"


def test_unrelated_user_cannot_open_the_project_page(client, submitter_b, project_a):
    client.force_login(submitter_b)
    assert client.get(f"/projects/{project_a.pk}/").status_code == 404
    assert (
        client.post(f"/projects/{project_a.pk}/move/", {"stage": "industrialization"}).status_code
        == 404
    )


def test_achievement_canal_page(client, analyst, project_a):
    stored_hops.rebuild([project_a.achievement_id])
    client.force_login(analyst)
    page = client.get(f"/achievements/{project_a.achievement_id}/canal/").content.decode()
    assert project_a.enterprise.display_name in page


def test_project_create_page_refuses_unaccepted(client, secretariat_a, submitted_a):
    client.force_login(secretariat_a)
    assert client.get(f"/achievements/{submitted_a.pk}/projects/new/").status_code == 403


def test_the_thread_answers_logged_in_users_in_the_api_as_on_its_page(
    api, client, analyst, project_a
):
    """Tried as an outsider: the API answered the thread to anonymous requests while its
    page asks them to log in. Both ask now; a logged-in reader gets the same hops in both."""
    stored_hops.rebuild([project_a.achievement_id])
    pk = project_a.achievement_id
    assert api.get(f"/api/v1/achievements/{pk}/canal/").status_code == 401
    page = client.get(f"/achievements/{pk}/canal/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    hops = api.as_user(analyst).get(f"/api/v1/achievements/{pk}/canal/").data["hops"]
    client.force_login(analyst)
    shown = client.get(f"/achievements/{pk}/canal/").context["hops"]
    assert [hop["key"] for hop in hops] == [hop.key for hop in shown]


def test_a_product_is_made_by_the_projects_enterprise_or_its_group(
    api, enterprise_user, enterprise_a, project_a, org_b
):
    """Tried as an outsider: the enterprise published a product under the holding's name
    (an organisation in no alliance) and under another alliance's member."""
    from projects.models import Product
    from tests.factories import OrganizationFactory

    api.as_user(enterprise_user)
    holding = OrganizationFactory(name="中国科学院控股有限公司X")
    body = {"project": project_a.pk, "name": "伪造产品", "launch_date": "2025-01-01"}
    for forged in (holding, org_b):
        response = api.post("/api/v1/products/", {**body, "enterprise": forged.pk})
        assert response.status_code == 400, response.data
        assert "enterprise" in response.data
    assert not Product.objects.exists()
    subsidiary = OrganizationFactory(name="联泓子公司", parent=enterprise_a, kind="enterprise")
    made = api.post(
        "/api/v1/products/", {**body, "name": "子公司产品", "enterprise": subsidiary.pk}
    )
    assert made.status_code == 201, made.data
    own = api.post("/api/v1/products/", {**body, "name": "本公司产品"})
    assert own.status_code == 201 and own.data["enterprise"] == enterprise_a.pk
    type(project_a).objects.filter(pk=project_a.pk).update(stage="terminated", stage_reason="停")
    late = api.post("/api/v1/products/", {**body, "name": "终止后产品"})
    assert late.status_code == 400
    assert Product.objects.count() == 2


def test_a_project_does_not_start_in_the_future(api, enterprise_user, accepted_a, enterprise_a):
    """Tried as an outsider: a project started on 2099-01-01 was accepted, and every later
    move was then refused as dated before its start."""
    from projects.models import Project

    response = api.as_user(enterprise_user).post(
        "/api/v1/projects/",
        {
            "achievement": accepted_a.pk,
            "enterprise": enterprise_a.pk,
            "title": "未来项目",
            "started_on": "2099-01-01",
        },
    )
    assert response.status_code == 400, response.data
    assert "started_on" in response.data
    assert not Project.objects.exists()


def test_the_api_refuses_a_patent_filed_in_the_future_as_the_form_does(api, submitter_a, draft_a):
    """Tried as an outsider: the API took a patent filed in 2099, which the owner then
    could not save in the form."""
    response = api.as_user(submitter_a).patch(
        f"/api/v1/achievements/{draft_a.pk}/",
        {"ip_items": [{"number": "CN-FUT-1", "title": "未来专利", "filed_on": "2099-01-01"}]},
        format="json",
    )
    assert response.status_code == 400
    assert not draft_a.ip_items.filter(number="CN-FUT-1").exists()


def test_each_form_of_cooperation_is_stored_once(api, submitter_a, draft_a):
    response = api.as_user(submitter_a).patch(
        f"/api/v1/achievements/{draft_a.pk}/",
        {"cooperation": ["licence", "licence", "joint_development", "licence"]},
        format="json",
    )
    assert response.status_code == 200, response.data
    draft_a.refresh_from_db()
    assert draft_a.cooperation == ["licence", "joint_development"]


def test_a_milestone_is_not_done_before_its_project_started(api, enterprise_user, project_a):
    """Tried as an outsider: a milestone done in 1950 on a project started this year."""
    from tests.factories import MilestoneFactory

    milestone = MilestoneFactory(project=project_a, due_on=project_a.started_on)
    response = api.as_user(enterprise_user).patch(
        f"/api/v1/milestones/{milestone.pk}/", {"done_on": "1950-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert "done_on" in response.data
    milestone.refresh_from_db()
    assert milestone.done_on is None
