"""Chinese translations of the core catalog; run to (re)write bot/locale/zh/LC_MESSAGES/canbot.po.

Keeping the translations as a Python mapping lets a reviewer read English and Chinese side by
side; the .po file it writes is what the bot loads.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ZH = {
    "Something went wrong on our side; please try again.": "我们这边出了点问题，请再试一次。",
    "Send a command, for example: help": "请发送一条命令，例如：help",
    "Unknown command '{name}'. Send help for the list.": "没有“{name}”这个命令。发送 help 查看全部命令。",
    "Usage: {usage}": "用法：{usage}",
    "Welcome to {network}, a mutual-aid network that organizes itself in circles.": "欢迎来到 {network}——一个以圈层自组织的互助网络。",
    "Each person claims a role by their mission and best skill; nobody is in charge.": "每个人根据自己的使命和最擅长的能力认领角色，没有人说了算。",
    "1. join [your neighborhood] to become a volunteer": "1. join [你的社区] 成为志愿者",
    "2. circles to see the circles, roles to find an open role": "2. circles 查看各个圈，roles 寻找空缺角色",
    "3. claim <circle/role> to take one": "3. claim <圈/角色> 认领一个角色",
    "Send help for every command.": "发送 help 查看全部命令。",
    "Join": "加入",
    "Open roles": "空缺角色",
    "Who may use it: {who}": "谁可以使用：{who}",
    "Commands (send help <command> for one):": "命令列表（发送 help <命令> 查看单个命令）：",
    "Welcome, {name}! You are now a volunteer.": "欢迎你，{name}！你已经成为志愿者。",
    "Next: profile skills a,b to say what you are good at, then roles.": "下一步：用 profile skills 技能1，技能2 写下你擅长什么，然后发送 roles。",
    "Circles": "圈层",
    "You are already a volunteer, {name}.": "{name}，你已经是志愿者了。",
    "Neighborhood: {place}": "社区：{place}",
    "Write the new value after {field}, for example: profile {field} ...": "请在 {field} 后面写上新的内容，例如：profile {field} ...",
    "Saved.": "已保存。",
    "(not set)": "（未填写）",
    "Name: {value}": "名字：{value}",
    "Skills: {value}": "技能：{value}",
    "Mission: {value}": "使命：{value}",
    "Linked accounts: {value}": "已关联的账号：{value}",
    "OK, I will reply in English from now on.": "好的，之后我会用中文回复。",
    "Welcome and first steps": "欢迎和入门",
    "Every command, or how to use one": "全部命令，或某个命令的用法",
    "Become a volunteer": "成为志愿者",
    "Show your profile, or change skills, neighborhood, mission or name": "查看个人资料，或修改技能、社区、使命、名字",
    "Reply language: zh or en": "回复语言：zh 或 en",
    "anyone": "任何人",
    "volunteers": "志愿者",
    "members of the circle": "该圈的成员",
    "leads of the circle, and admins": "该圈的负责人和管理员",
    "Missing {what}.": "缺少 {what}。",
    "Too many arguments: {extra}": "多余的参数：{extra}",
    "open": "空缺",
    "Claim {role}": "认领 {role}",
    "Circles of {network}:": "{network} 的圈层：",
    "Send circle <slug> for one circle.": "发送 circle <圈名> 查看一个圈。",
    "none yet": "暂无",
    "Leads: {leads}": "负责人：{leads}",
    "Members: {count}": "成员：{count} 人",
    "Roles:": "角色：",
    "Nobody holds: {roles}": "无人认领：{roles}",
    "Sub-circles: {circles}": "子圈：{circles}",
    "Linked chats: {count}": "已关联的群聊：{count} 个",
    "No open role matches '{skill}'. Send roles for all.": "没有与“{skill}”匹配的空缺角色。发送 roles 查看全部。",
    "Every role is taken right now. Propose a new one with newrole.": "目前所有角色都已被认领。可以用 newrole 提议一个新角色。",
    "Open roles matching {skill}:": "与 {skill} 匹配的空缺角色：",
    "Open roles:": "空缺角色：",
    "You now hold {circle}/{role} ({name}).": "你已认领 {circle}/{role}（{name}）。",
    "What this role does:": "这个角色负责：",
    "Release": "放弃",
    "You released {circle}/{role}.": "你已放弃 {circle}/{role}。",
    "You hold no role yet. Send roles to find one.": "你还没有认领角色。发送 roles 找一个吧。",
    "Your roles, {name}:": "{name}，你的角色：",
    "{name} now holds {circle}/{role}.": "{name} 现在担任 {circle}/{role}。",
    "{name} no longer holds {circle}/{role}.": "{name} 不再担任 {circle}/{role}。",
    "The circle tree with open roles": "圈层树和空缺角色",
    "One circle: purpose, roles and holders, open roles": "一个圈：目标、角色和担任者、空缺角色",
    "Open roles, matched to your skills first": "空缺角色，优先匹配你的技能",
    "Take a role (circle/role)": "认领一个角色（圈/角色）",
    "Give up a role": "放弃一个角色",
    "Your roles and upcoming meetups": "你的角色和即将到来的会议",
    "Give a role to a volunteer": "把角色分配给志愿者",
    "Remove a volunteer from a role": "取消志愿者的角色",
    "Circle {circle} has no role '{role}'.": "{circle} 圈没有“{role}”这个角色。",
    "Role {circle}/{role} is only proposed; a lead must accept it first.": "角色 {circle}/{role} 还在提议中，需要负责人先接受。",
    "You already hold {circle}/{role}.": "你已经担任 {circle}/{role}。",
    "Role {circle}/{role} is full ({capacity} of {capacity} taken).": "角色 {circle}/{role} 已满（{capacity}/{capacity} 已认领）。",
    "{circle}/{role} is not held by that volunteer.": "这位志愿者没有担任 {circle}/{role}。",
    "'{ref}' is not a role: write circle/role or role.": "“{ref}”不是一个角色：请写成 圈/角色 或 角色。",
    "The {field} contains control characters.": "{field}包含控制字符。",
    "The {field} must not be empty.": "{field}不能为空。",
    "'{value}' is not a valid {field}: use 1-32 lowercase letters, digits or dashes.": "“{value}”不是有效的{field}：请使用 1-32 个小写字母、数字或连字符。",
    "There is no circle '{circle}'.": "没有“{circle}”这个圈。",
    "You have not joined yet: send join first.": "你还没有加入：请先发送 join。",
    "Only a lead of {circle} (or an admin) may do that.": "只有 {circle} 的负责人（或管理员）可以这样做。",
    "This file is not a canbot export (format {format}).": "这不是 canbot 导出的文件（格式 {format}）。",
    "The export is damaged: {reason}": "导出文件已损坏：{reason}",
    "The store already has volunteers; import needs an empty store.": "数据库里已经有志愿者；导入需要一个空的数据库。",
    "Unknown profile field '{field}': use skills, neighborhood, mission or name.": "没有“{field}”这个资料项：请用 skills、neighborhood、mission 或 name。",
    "Name at least one skill, separated by commas.": "请至少写一个技能，用逗号分隔。",
    "Unknown language '{language}': use zh or en.": "不支持“{language}”：请用 zh 或 en。",
    "No circle has a role '{role}'.": "没有哪个圈有“{role}”这个角色。",
    "Several circles have a role '{role}': write it as {choices}.": "好几个圈都有“{role}”这个角色：请写成 {choices}。",
    "No volunteer is called '{name}'.": "没有叫“{name}”的志愿者。",
    "Several volunteers are called '{name}': use one of their ids: {ids}.": "有好几位志愿者叫“{name}”：请用其中一个编号：{ids}。",
    "You do not hold {circle}/{role}.": "你没有担任 {circle}/{role}。",
    "The store {path} is in use by another canbot process (pid {pid}).": "数据库 {path} 正被另一个 canbot 进程使用（pid {pid}）。",
    "The store {path} is not a valid canbot store: {reason}": "数据库 {path} 不是有效的 canbot 数据库：{reason}",
    "Cannot create the store folder {path}: {reason}": "无法创建数据库文件夹 {path}：{reason}",
    "The store {path} has schema version {found}; this canbot reads {wanted}.": "数据库 {path} 的结构版本是 {found}；这个 canbot 只能读取 {wanted}。",
    "name": "名字",
    "neighborhood": "社区",
    "mission": "使命",
    "skill": "技能",
    "slug": "标识",
    "circle": "圈",
    "role": "角色",
    "text": "内容",
    "title": "标题",
    "There is no kit '{kit}': send kits for the list.": "没有“{kit}”这个工具包：发送 kits 查看列表。",
}


def main() -> int:
    target = Path(__file__).resolve().parent.parent / "bot/locale/zh/LC_MESSAGES/canbot.po"
    template_path = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    catalog = Catalog(locale="zh_Hans_CN", project="can-bot", domain="canbot")
    ids = list(ZH)
    if template_path is not None:
        with template_path.open("rb") as handle:
            ids = [str(m.id) for m in read_po(handle) if m.id]
        missing = [i for i in ids if i not in ZH]
        if missing:
            print("untranslated:", *missing, sep="\n  ")
    for message_id in ids:
        if message_id in ZH:
            catalog.add(message_id, ZH[message_id])
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
