import pytest
from django.urls import reverse
from django.utils import translation

PASSWORD = "pass-for-tests-123"


def test_it_logs_in_with_the_right_password(client, world):
    response = client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_shows_an_error_for_a_wrong_password_and_keeps_the_username(client, world):
    response = client.post(reverse("login"), {"username": "staff", "password": "nope"})
    assert response.status_code == 200
    assert b'value="staff"' in response.content
    assert response.context["form"].errors


def test_it_locks_the_account_after_repeated_failures_with_a_chinese_message(
    client, world, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": "staff", "password": "wrong"}, REMOTE_ADDR="10.0.0.1"
        )
    # Even the right password is refused while locked.
    response = client.post(
        reverse("login"),
        {"username": "staff", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 429
    with translation.override("zh-hans"):
        locked = translation.gettext("Account locked")
    assert locked != "Account locked", "the lock-out message must be translated"
    assert locked in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", lambda w: reverse("reports:overview")),
        ("clerk", lambda w: reverse("reports:overview")),
        # Staff, deputies and handlers land on the to-do home (petitions/todo).
        ("staff", lambda w: reverse("todo:home")),
        ("deputy", lambda w: reverse("todo:home")),
        ("handler", lambda w: reverse("todo:home")),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, world, role, expected):
    client.force_login(world.user(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == expected(world)


def test_a_user_without_a_role_is_told_so(client, world):
    client.force_login(world.user("nobody"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.templates[0].name == "core/no_role.html"


def test_it_changes_the_password(client, world):
    client.force_login(world.user("staff"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "A-much-better-pw-42",
            "new_password2": "A-much-better-pw-42",
        },
    )
    assert response.status_code == 302
    world.user("staff").refresh_from_db()
    assert world.user("staff").check_password("A-much-better-pw-42")


def test_the_interface_is_chinese_by_default_even_for_an_english_browser(client, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(world.user("nobody"))
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "退出登录" in content
    assert 'lang="zh-hans"' in content


def test_the_language_switch_changes_the_interface_language(client, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(world.user("nobody"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Your account has no role yet" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "Your account has no role yet" not in client.get(reverse("home")).content.decode()
