"""The network as it starts: the network circle and the CAN plan's five root circles.

Roles follow what each circle did in the CAN plan (Shanghai, 2020): connect found resources,
research interviewed neighbors and ran the tea house, practice took actions back to real
neighborhoods, product turned emergent projects into kits, content told the story.
"""

from __future__ import annotations

from circles.model import NETWORK, Circle, Role
from circles.text import Localized


def _t(zh: str, en: str) -> Localized:
    return {"zh": zh, "en": en}


def _role(
    slug: str, name: Localized, purpose: Localized, *duties: Localized, capacity: int = 1
) -> Role:
    return Role(
        slug=slug, name=name, purpose=purpose, accountabilities=list(duties), capacity=capacity
    )


def root_circles() -> list[Circle]:
    """Fresh objects every call, so a caller may change them freely."""
    network = Circle(
        slug=NETWORK,
        name=_t("社区互助网络", "Community mutual-aid network"),
        purpose=_t(
            "让孤岛重新相连：基于社区的真实需求，分布式、自组织地共创行动与工具包。",
            "Reconnect the islands: co-create actions and kits from real neighborhood needs, "
            "distributed and self-organized.",
        ),
        parent=None,
    )
    connect = Circle(
        slug="connect",
        name=_t("连接圈", "Connect circle"),
        purpose=_t(
            "寻找并连接资源：人、物资、场地和伙伴组织。",
            "Find and connect resources: people, supplies, places and partner groups.",
        ),
        parent=NETWORK,
        roles=[
            _role(
                "resource-scout",
                _t("资源侦察员", "Resource scout"),
                _t(
                    "找到行动需要的物资、场地和专业支持。",
                    "Find the supplies, spaces and expert help that actions need.",
                ),
                _t(
                    "维护一份可用资源清单（谁、有什么、怎么联系）",
                    "Keep a list of available resources (who, what, how to reach them)",
                ),
                _t(
                    "每周把新资源同步到一日一议",
                    "Bring new resources to the daily topic meeting each week",
                ),
                capacity=0,
            ),
            _role(
                "partner-liaison",
                _t("伙伴联络人", "Partner liaison"),
                _t(
                    "与社区组织、物业和居委建立联系。",
                    "Build ties with community groups, property managers and neighborhood committees.",
                ),
                _t(
                    "为每个行动小组介绍至少一个线下伙伴",
                    "Introduce each action group to at least one partner on the ground",
                ),
                _t("记录伙伴的需求和承诺", "Record what partners need and what they promised"),
            ),
            _role(
                "onboarding-host",
                _t("新人接待", "Onboarding host"),
                _t(
                    "欢迎新志愿者，帮他们按使命和专长认领角色。",
                    "Welcome new volunteers and help them claim a role by their mission and skills.",
                ),
                _t("24 小时内回复每位新成员", "Answer every newcomer within 24 hours"),
                _t("把新人带到合适的圈和角色", "Walk newcomers to a fitting circle and role"),
                capacity=3,
            ),
        ],
    )
    research = Circle(
        slug="research",
        name=_t("研发圈", "Research circle"),
        purpose=_t(
            "做访谈和调研，找到社区孤岛场景和真实需求；主持小茶馆。",
            "Interview and research to find the neighborhood islands and real needs; run the tea house.",
        ),
        parent=NETWORK,
        roles=[
            _role(
                "interviewer",
                _t("访谈员", "Interviewer"),
                _t(
                    "访谈居民、社工和小商户，听见真实需求。",
                    "Interview residents, community workers and small shops to hear real needs.",
                ),
                _t(
                    "每周完成并整理至少两次访谈", "Hold and write up at least two interviews a week"
                ),
                _t(
                    "保护受访者隐私，只分享匿名摘要",
                    "Protect interviewees: share anonymised summaries only",
                ),
            ),
            _role(
                "scenario-mapper",
                _t("场景梳理员", "Scenario mapper"),
                _t(
                    "把访谈整理成孤岛场景地图（如双职工家庭、老人、返沪人员）。",
                    "Turn interviews into a map of island scenarios (dual-income families, elders, people returning).",
                ),
                _t(
                    "维护场景清单和每个场景的需求",
                    "Keep the list of scenarios and the needs in each",
                ),
                _t(
                    "从场景中提炼可以发起的议题",
                    "Draw topics people can take up from the scenarios",
                ),
            ),
            _role(
                "tea-house-host",
                _t("小茶馆主持", "Tea-house host"),
                _t(
                    "每周两次雷打不动地主持研讨会小茶馆，让大家保持同频。",
                    "Host the twice-weekly research tea house, without fail, to keep everyone in step.",
                ),
                _t("提前一天发布议程", "Publish the agenda a day ahead"),
                _t("会后 24 小时内发出纪要和行动项", "Send notes and action items within 24 hours"),
            ),
        ],
    )
    practice = Circle(
        slug="practice",
        name=_t("践行圈", "Practice circle"),
        purpose=_t(
            "把行动带回真实的社区，在身边实践并回传经验。",
            "Take actions back to real neighborhoods, practice them nearby, and report what happened.",
        ),
        parent=NETWORK,
        roles=[
            _role(
                "neighborhood-captain",
                _t("社区队长", "Neighborhood captain"),
                _t(
                    "在自己的小区组织行动，连接邻居、物业和保安。",
                    "Organize actions in your own neighborhood with neighbors, property staff and guards.",
                ),
                _t("每次行动后打卡，记录做了什么", "Check in after each action with what was done"),
                _t("把遇到的新问题带回网络", "Bring new problems back to the network"),
                capacity=0,
            ),
            _role(
                "kit-tester",
                _t("工具包试用员", "Kit tester"),
                _t(
                    "在现场试用工具包，反馈哪里好用、哪里要改。",
                    "Try kits on the ground and report what works and what to change.",
                ),
                _t("每个新版本工具包至少试用一次", "Try every new kit version at least once"),
                capacity=5,
            ),
            _role(
                "action-group-coordinator",
                _t("行动小组协调人", "Action-group coordinator"),
                _t(
                    "帮助从议题中诞生的行动小组起步。",
                    "Help the action groups born from topics get started.",
                ),
                _t("为新小组安排第一次会议", "Set up each new group's first meeting"),
            ),
        ],
    )
    product = Circle(
        slug="product",
        name=_t("产品圈", "Product circle"),
        purpose=_t(
            "设计师和产品经理，把涌现出的项目做成开源的产品包。",
            "Designers and product managers turning emergent projects into open-source kits.",
        ),
        parent=NETWORK,
        roles=[
            _role(
                "kit-designer",
                _t("工具包设计师", "Kit designer"),
                _t(
                    "把一次成功的行动设计成可打印、可复用的物料。",
                    "Design a successful action into printable, reusable material.",
                ),
                _t(
                    "每个工具包都有中英文版本和开源许可",
                    "Give every kit Chinese and English versions and an open license",
                ),
                capacity=3,
            ),
            _role(
                "product-manager",
                _t("产品经理", "Product manager"),
                _t(
                    "从行动提案到最小可行产品（MVP），推动项目落地。",
                    "Take an action proposal to a minimum viable product and see it through.",
                ),
                _t(
                    "为每个项目写清目标、用户和下一步",
                    "Write down each project's goal, users and next step",
                ),
            ),
        ],
    )
    content = Circle(
        slug="content",
        name=_t("内容圈", "Content circle"),
        purpose=_t(
            "讲述整个过程，分享工具包和案例，让行动破圈传播。",
            "Tell the story, share kits and cases, and carry actions beyond their circle.",
        ),
        parent=NETWORK,
        roles=[
            _role(
                "storyteller",
                _t("故事记录者", "Storyteller"),
                _t("把打卡和行动写成故事。", "Turn check-ins and actions into stories."),
                _t("每周发布一个社区行动案例", "Publish one neighborhood action case a week"),
            ),
            _role(
                "kit-distributor",
                _t("工具包传播员", "Kit distributor"),
                _t(
                    "把工具包送到需要的社区和组织手里。",
                    "Get kits into the hands of the neighborhoods and groups that need them.",
                ),
                _t("跟踪工具包被下载和使用的情况", "Track where kits are downloaded and used"),
                capacity=0,
            ),
        ],
    )
    return [network, connect, research, practice, product, content]
