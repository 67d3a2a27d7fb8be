"""Connecting a VK community: whose token, which community, what is missing.

The user pastes a user access token and names the community (its address,
short name or number), and optionally a community token. We check, and name
in plain words whatever is missing:

* the token works (``users.get``);
* the community exists and the token's user manages it as administrator or
  editor (``groups.getById`` with ``is_admin`` and ``admin_level``: 1 is a
  moderator, who cannot post; 2 an editor; 3 an administrator);
* the token's rights (``account.getAppPermissions``, a bit mask): wall,
  photos and groups are needed to post; without stats there are no insights,
  without offline the token expires within a day (both are warnings);
* the community token, if given, belongs to the same community
  (``groups.getById`` without ids answers with the token's own community) and
  has the messages right (``groups.getTokenPermissions``).

What we learn is kept as account settings (never secrets): the group id,
screen name and name, the user id, whether direct messages can be read, and a
``warning`` the account dialog shows under "To do".
"""

from __future__ import annotations

import re
from typing import Any

from smmdesk.platforms.base import AccountIdentity, AuthError, BadResponse, PermanentError
from smmdesk.platforms.vk_api import NotFound, VkApi, int_of, items_of, list_of, text_of

#: ``account.getAppPermissions`` bits (VK's access rights).
RIGHTS = {"photos": 4, "wall": 8192, "offline": 65536, "groups": 262144, "stats": 1048576}
NEEDED = ("wall", "photos", "groups")
GROUP_FIELDS = "is_admin,admin_level,members_count,screen_name"


def community_ref(text: str) -> str:
    """What the user typed as the community, as ``groups.getById`` takes it.

    ``https://vk.com/kafija`` / ``vk.com/club123`` / ``@kafija`` / ``-123`` /
    ``public123`` all become a short name or a number.
    """
    value = (text or "").strip()
    value = re.sub(r"^(https?://)?(m\.)?(vk\.com|vk\.ru)/", "", value, flags=re.IGNORECASE)
    value = value.split("?", 1)[0].split("#", 1)[0].strip("/ @")
    found = re.fullmatch(r"(?:club|public|event|-)?([0-9]{1,15})", value)
    if found:
        return found.group(1)
    return value if re.fullmatch(r"[A-Za-z0-9_.]{2,64}", value) else ""


def groups_of(response: Any) -> list[dict[str, Any]]:
    """``{"groups": [...]}`` (5.199) or a bare list (older versions)."""
    if isinstance(response, list):
        return [g for g in response if isinstance(g, dict)]
    return [g for g in list_of(response, "groups") if isinstance(g, dict)] or items_of(response)


def validate_account(api: VkApi, community: str) -> AccountIdentity:
    ref = community_ref(community)
    if not ref:
        raise PermanentError("Name the VK community: its address (vk.com/…), short name or number.")
    users = api.call("users.get", {}, doing="Checking the access token")
    user = users[0] if isinstance(users, list) and users and isinstance(users[0], dict) else {}
    user_id = int_of(user, "id", 1)
    if user_id is None:
        raise BadResponse("VK did not say whose access token this is.")
    user_name = (
        " ".join(p for p in (text_of(user, "first_name"), text_of(user, "last_name")) if p)
        or f"id{user_id}"
    )
    try:
        response = api.call(
            "groups.getById",
            {"group_id": ref, "fields": GROUP_FIELDS},
            doing="Finding the community",
        )
    except NotFound:
        response = None
    except PermanentError as exc:
        if "error 100" not in str(exc):
            raise
        response = None
    groups = groups_of(response)
    group = groups[0] if groups else {}
    group_id = int_of(group, "id", 1)
    if group_id is None:
        raise PermanentError(f"VK has no community “{ref}”. Check its address.")
    name = text_of(group, "name").strip() or f"club{group_id}"
    screen = text_of(group, "screen_name").strip() or f"club{group_id}"
    level = int_of(group, "admin_level", 0, 3) or 0
    if int_of(group, "is_admin") != 1 or level < 2:
        role = "a moderator" if level == 1 else "not one of its managers"
        raise AuthError(
            f"{user_name}, whose token this is, is {role} in “{name}”. Only an administrator "
            "or editor can post as the community: ask the community's owner to make you an "
            "editor (Manage → Members → Managers), then connect again."
        )
    warnings = _check_rights(api)
    settings = {
        "group_id": str(group_id),
        "screen_name": screen[:100],
        "group_name": name[:200],
        "user_id": str(user_id),
        "admin_level": str(level),
        "messages": "0",
    }
    if api.group_token:
        messages_ok, warning = _check_community_token(api, group_id, name)
        settings["messages"] = "1" if messages_ok else "0"
        if warning:
            warnings.append(warning)
    if warnings:
        settings["warning"] = " ".join(warnings)
    return AccountIdentity(
        remote_id=str(group_id),
        handle=screen[:200],
        display_name=name[:200],
        url=f"https://vk.com/{screen}",
        settings=settings,
    )


def _check_rights(api: VkApi) -> list[str]:
    """Fail on a missing posting right; warnings for stats and offline."""
    try:
        mask = api.call("account.getAppPermissions", {}, doing="Reading the token's rights")
    except (PermanentError, BadResponse):
        return []  # some tokens cannot ask; the first post will say what is missing
    if isinstance(mask, bool) or not isinstance(mask, int):
        return []
    missing = [right for right in NEEDED if not mask & RIGHTS[right]]
    if missing:
        raise AuthError(
            f"The VK access token lacks the right{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. Make a new token with the rights wall, photos, groups, "
            "stats and offline, then connect again."
        )
    warnings = []
    if not mask & RIGHTS["stats"]:
        warnings.append("The token has no “stats” right, so community insights are not read.")
    if not mask & RIGHTS["offline"]:
        warnings.append(
            "The token has no “offline” right and will stop working within a day; make one "
            "with “offline” to stay connected."
        )
    return warnings


def _check_community_token(api: VkApi, group_id: int, name: str) -> tuple[bool, str]:
    own = groups_of(
        api.call("groups.getById", {}, group=True, doing="Checking the community token")
    )
    own_id = int_of(own[0], "id", 1) if own else None
    if own_id is None:
        raise BadResponse("VK did not say which community the community token belongs to.")
    if own_id != group_id:
        other = text_of(own[0], "name") or f"club{own_id}"
        raise AuthError(
            f"The community token belongs to “{other}”, not to “{name}”. Paste the token made "
            "in this community's settings (Manage → API usage), or leave it empty."
        )
    permissions = api.call(
        "groups.getTokenPermissions", {}, group=True, doing="Reading the community token's rights"
    )
    names = {text_of(p, "name") for p in list_of(permissions, "permissions")}
    if "messages" not in names:
        return False, (
            "The community token has no “Community messages” right, so direct messages are "
            "not read. Make a token with that right (Manage → API usage) to answer them here."
        )
    return True, ""
