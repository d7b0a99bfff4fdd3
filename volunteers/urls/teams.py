"""teams routes; see volunteers/urls/__init__.py.

Staff: /volunteers/ (volunteers and their records), /volunteers/teams/ (teams, members,
产消者 services and deliveries), /volunteers/rewards/ (积分超市). Public (no account):
/serve/teams/ and /serve/teams/<pk>/.
"""

from django.urls import path

from volunteers.views import points, teams

urlpatterns = [
    # Volunteers and their service record
    path("volunteers/", teams.volunteer_list, name="volunteer_list"),
    path("volunteers/register/", teams.volunteer_create, name="volunteer_create"),
    path("volunteers/<int:pk>/", teams.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/edit/", teams.volunteer_update, name="volunteer_update"),
    path("volunteers/<int:pk>/reveal-id/", teams.volunteer_reveal_id, name="volunteer_reveal_id"),
    path("volunteers/<int:pk>/trainings/add/", teams.training_add, name="training_add"),
    path("volunteers/<int:pk>/awards/add/", teams.award_add, name="award_add"),
    path("volunteers/<int:pk>/evaluations/add/", teams.evaluation_add, name="evaluation_add"),
    path("volunteers/<int:pk>/points/adjust/", points.points_adjust, name="points_adjust"),
    # Teams
    path("volunteers/teams/", teams.team_list, name="team_list"),
    path("volunteers/teams/new/", teams.team_create, name="team_create"),
    path("volunteers/teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("volunteers/teams/<int:pk>/edit/", teams.team_update, name="team_update"),
    path("volunteers/teams/<int:pk>/members/add/", teams.member_add, name="member_add"),
    path("volunteers/teams/<int:pk>/members/<int:membership_pk>/role/", teams.member_role, name="member_role"),
    path("volunteers/teams/<int:pk>/members/<int:membership_pk>/remove/", teams.member_remove, name="member_remove"),
    path("volunteers/teams/<int:pk>/services/add/", teams.service_create, name="service_create"),
    path("volunteers/teams/<int:pk>/services/<int:service_pk>/edit/", teams.service_update, name="service_update"),
    path(
        "volunteers/teams/<int:pk>/services/<int:service_pk>/deliveries/add/",
        teams.delivery_add,
        name="delivery_add",
    ),
    # 积分超市
    path("volunteers/rewards/", points.reward_list, name="reward_list"),
    path("volunteers/rewards/new/", points.reward_create, name="reward_create"),
    path("volunteers/rewards/<int:pk>/edit/", points.reward_update, name="reward_update"),
    path("volunteers/rewards/<int:pk>/redeem/", points.reward_redeem, name="reward_redeem"),
    # Public team pages
    path("serve/teams/", teams.public_team_list, name="public_team_list"),
    path("serve/teams/<int:pk>/", teams.public_team_detail, name="public_team_detail"),
]
