"""The assistant's phrase patterns, per intent, in English and Chinese (the syntax and the
scoring rule are in ``intents``): ``"a|b + c"`` matches when ``a`` or ``b`` occurs, and
``c`` does. Weights: 3 a question that can only be this, 2 a strong sign, 1 a hint. Two
kinds weigh more, for they come with the words of a lost factor and must win over them:
someone else changing a factor (8: a suspected takeover, never a lost phone) and a changed
factor that now blocks something (6: the security cooldown).

Before matching, ``ZH_VARIANTS`` rewrites the traditional forms customers from Hong Kong
and Taiwan write (凍結, 註銷, 帳戶) and the usual pinyin-input slips (注消 for 注销, 体现
for 提现) into the forms the patterns use.
"""

from __future__ import annotations

#: Written form → the form the patterns use.
ZH_VARIANTS: dict[str, str] = {
    "註銷": "注销",
    "注消": "注销",
    "註消": "注销",
    "凍結": "冻结",
    "解凍": "解冻",
    "冻洁": "冻结",
    "帳戶": "账户",
    "賬戶": "账户",
    "帐户": "账户",
    "帳號": "账号",
    "帐号": "账号",
    "体现": "提现",
    "提現": "提现",
    "驗證": "验证",
    "手續費": "手续费",
    "申訴": "申诉",
    "登陆": "登录",
}

_DIRECTION = "deposit|deposited|withdrawal|withdraw|withdrew|transfer|transaction|funds|money|coins"
_NOT_YET = (
    "arrive|arrived|arrival|received|receive|show up|showing|credited|pending|stuck|missing|"
    "where|how long|when|still|yet|confirm|confirming|confirmations|processing|delayed|late"
)
_CREDENTIAL = (
    "phone|authenticator|2fa|two factor|second factor|mfa|otp|password|google auth|authy|"
    "security key|sim"
)
_ZH_CREDENTIAL = (
    "密码|验证器|二次验证|双重验证|两步验证|谷歌验证|2fa|手机号|绑定的手机|安全设置|邮箱"
)
_CHANGED = "changed|reset|removed|replaced|added|switched|disabled|turned off|set up"
#: Another person changing a factor, each as a phrase ("someone has changed", "I did not
#: change"), so that "can someone help, I changed my phone" is no takeover.
_SOMEONE_CHANGED = "|".join(
    f"{who} {verb}"
    for who in ("someone", "somebody", "hacker", "stranger", "attacker", "they")
    for verb in _CHANGED.split("|")
)
_I_DID_NOT = (
    "|".join(
        f"{not_i} {verb}"
        for not_i in ("didnt", "did not", "wasnt me who", "not me who")
        # not "reset": "I did not get the reset e-mail" is a lost password, no takeover
        for verb in ("change", "changed", "set up", "add", "added", "turn off", "remove")
    )
    + "|never changed|never set up"
)
_ZH_SOMEONE_CHANGED = (
    "有人改|有人修改|有人更改|有人换|有人重置|有人绑|有人解绑|别人改|别人修改|别人换|"
    "他人修改|被人改|被人修改|被人换|被人重置|被改|被修改|被更改|被换绑|被重置|被篡改|被解绑"
)
_ZH_NOT_ME = (
    "我没有改|我没改|我没有修改|我没修改|我没有更改|我没有换|我没换|我没有重置|我没重置|"
    "不是我改|不是我修改|不是我换|不是我本人|不是本人操作|并非本人|我没有操作|我从没改"
)
_BLOCKED = (
    "blocked|block|blocking|cant close|cannot close|cant delete|not allowed|not let me|"
    "wait|waiting|cooldown|cool down|days"
)
_CLOSE = "close|closing|closure|delete|deletion|deactivate|terminate|cancel my account|注销|销户"
_ZH_CLOSE = "注销|销户|註銷|关闭账户|关闭账号|删除账户|删除账号|删除帐户"
#: Closing did not work: "can't", "it failed", "it won't let me".
_FAILED = "cant|cannot|unable|wont|doesnt|didnt|fail|failed|fails|not let me|not work"
_ZH_FAILED = "失败|不成功|没成功|没有成功|不行|不能|无法|不了|不让|没法|没办法|卡住"
_ZH_TRANSFER = "充值|提现|提币|转账|入金|出金|汇款|打款|存款|充币|转进来|转入|转出|打进来|充进来"
_ZH_NOT_YET = (
    "没到|未到|还没到|没有到|到账|多久|什么时候|何时|卡住|一直|处理中|确认中|没收到|没有收到|"
    "不见|没显示|未显示|还在|几时|咋还"
)

PATTERNS: dict[str, tuple[tuple[str, int], ...]] = {
    "suspected_takeover": (
        (f"{_SOMEONE_CHANGED}|{_I_DID_NOT} + {_CREDENTIAL}|security settings|email", 8),
        ("hacked|hacker|taken over|takeover|compromised|unauthorized|unauthorised", 4),
        (f"{_ZH_SOMEONE_CHANGED}|{_ZH_NOT_ME} + {_ZH_CREDENTIAL}", 8),
        ("被盗|盗号|被黑|盗用|被入侵|被人登录|异地登录", 4),
    ),
    "security_cooldown": (
        ("security cooldown|security cool down|security hold|security lock|security period", 4),
        (f"new|{_CHANGED}|updated|upgraded|swapped + {_CREDENTIAL} + {_BLOCKED}", 6),
        ("安全冷静期|安全冷却期|安全限制期|安全锁定期|安全保护期", 5),
        (
            "换了手机|换手机|新手机|换了验证器|换了二次验证|改了二次验证|改了密码|修改了密码|"
            "改密码|重置了密码|换绑|重新绑定 + 不能注销|无法注销|注销不了|不让注销|被限制|受限|"
            "限制|拦|阻止|几天|冷静期|要等",
            6,
        ),
    ),
    "lost_credentials": (
        ("code|codes + dont work|not working|invalid|wrong|rejected|expired", 2),
        (
            "no longer have|lost access|no access|cant access|cannot access|lost my + "
            "email|phone|number|authenticator",
            2,
        ),
        (
            f"lost|lose|losing|forgot|forgotten|stolen|broke|broken|new|changed|reset|"
            f"misplaced|dropped|replaced|without|switched|swapped|upgraded + {_CREDENTIAL}",
            3,
        ),
        ("authenticator|2fa|two factor|2 step|two step|second factor|google auth|mfa", 2),
        ("cant|cannot|unable|dont|can not + log in|login|sign in|get in", 2),
        ("locked out", 3),
        ("verification code|sms code|otp|code + not|never|dont|didnt|no|cant|stopped", 1),
        ("recover|recovery|regain|restore + account|access|2fa|authenticator|login", 2),
        (
            "手机丢|手机掉|手机被偷|手机坏|换了手机|换手机|新手机|丢了手机|手机丢失|手机没了|手机不见",
            3,
        ),
        ("验证器|谷歌验证|身份验证器|二次验证|双重验证|两步验证|令牌|驗證器|安全密钥", 2),
        ("忘记密码|忘了密码|密码忘|找回密码|重置密码|密码丢|密码不记得|密码错误", 3),
        ("登录不了|无法登录|登不上|不能登录|登陆不了|无法登陆|登不进|进不去账户|登录不上", 2),
        ("收不到验证码|没收到验证码|验证码收不到|验证码没收到|收不到短信", 2),
        ("丢失|丢了|找回", 1),
    ),
    "dust": (
        ("little amount|little bits|small coins|tiny coins|bits of", 2),
        ("很小|很少|一点点|一丁点 + 币|余额|资产", 2),
        ("一键兑换", 2),
        ("dust", 3),
        (
            "small balance|tiny balance|leftover|left over|tiny amount|small amount|crumbs|"
            "cents|worthless|too small",
            2,
        ),
        ("convert|sweep|clear|clean|get rid|remove + small|tiny|leftover|cents", 1),
        ("shib|lunc|delisted", 1),
        (
            "小额资产|小额余额|粉尘|零头|零钱|碎币|小额币|残余|余额太小|太少|提不出来|提不出|小币|垃圾币",
            2,
        ),
        ("兑换|清理|清空|处理 + 小额|零头|零钱|碎|剩下", 1),
    ),
    "transfer_pending": (
        (f"{_DIRECTION}|{_ZH_TRANSFER} + {_NOT_YET}|{_ZH_NOT_YET}", 3),
        ("deposit|deposited|withdrawal|withdraw|withdrew", 1),
        ("txid|tx hash|transaction id|hash|confirmations|blockchain|on chain", 2),
        (_ZH_TRANSFER, 1),
        ("到账|没到账|未到账|交易哈希", 2),
    ),
    "frozen": (
        ("unlock my account|unblock my account|unfreeze my account|reactivate", 2),
        ("不能交易|无法交易|交易不了|不能买卖|禁止交易", 2),
        (
            "frozen|freeze|froze|unfreeze|unfrozen|suspended|restricted|restriction|banned|"
            "disabled|risk control",
            2,
        ),
        (
            "account + locked|lock|blocked|limited|suspended|frozen|restricted|disabled",
            2,
        ),
        ("unlock|lift + account|restriction|lock|freeze", 1),
        (
            "冻结|解冻|凍結|解凍|冻住|封号|被封|封禁|封了|锁定|被锁|锁住|限制|受限|风控|禁用|停用|暂停",
            2,
        ),
        ("账户|账号|帐户|帳戶|帐号 + 异常|被冻|被封|被锁|被限|不能用|用不了", 1),
    ),
    "appeal": (
        ("appeal|appealing", 3),
        ("reject|rejected|rejection|declined|denied|refused|turned down", 2),
        ("disagree|unfair|wrong decision|reconsider|review again|complain|complaint", 1),
        ("申诉|申訴|上诉|复核|复审|重新审核|重新审查", 3),
        ("驳回|被拒|拒绝|拒了|不通过|没通过|未通过|不同意|被否", 2),
        ("不服|不合理|投诉", 1),
    ),
    "closure_status": (
        (
            f"gone through|went through|processed|done|complete|completed|finished + "
            f"request|application|{_CLOSE}",
            2,
        ),
        (
            f"status|progress|update|stage|state|how far|news + request|application|{_CLOSE}",
            2,
        ),
        (f"cancel|stop|undo|revoke|withdraw my request + request|application|{_CLOSE}", 2),
        ("changed my mind|change my mind|dont want to close|not close after all", 3),
        ("been closed|closed yet|already closed|closed already|still open", 2),
        ("when will + close", 2),
        ("is closed", 1),
        ("submitted|submit|applied|requested + close|closure|request|deletion|days ago", 1),
        ("request|application + close|closure|closing|deletion", 1),
        (
            "注销|销户|註銷|申请 + 进度|状态|到哪|审核中|怎么样了|结果|完成了吗|"
            "成功了吗|好了没|好了吗|到哪一步|处理了吗|多久能好|还要等|通过了吗|批了吗|审核结果",
            3,
        ),
        ("取消注销|撤销注销|撤回注销|不想注销了|不注销了|不想注销|停止注销", 3),
        ("冷静期 + 还有|剩|什么时候结束|结束|几天", 1),
        ("注销了吗|注销成功|已经注销|注销完了|注销好了", 2),
        # "When will my account be closed?", as "when will + close" above.
        ("我的账户|我的账号|账户|账号 + 什么时候注销|何时注销|哪天注销|什么时候能注销好", 2),
    ),
    "closure_blockers": (
        # Closing was tried and failed: it can only be about what blocks it, whatever else
        # the question says ("I want to close"), the same weight in both languages; "what
        # do I do" with it asks as much as "why".
        (f"{_ZH_CLOSE} + {_ZH_FAILED}", 3),
        (f"为什么|为啥|咋|怎么|该怎么|咋办|怎么回事|什么原因 + {_ZH_FAILED} + {_ZH_CLOSE}", 3),
        (f"but|tried|try|trying + {_FAILED} + {_CLOSE}", 3),
        ("差什么|还需要什么|还要做什么|要满足什么|需要做什么 + 注销|销户", 3),
        (f"why|what + {_FAILED}|not|isnt + {_CLOSE}", 3),
        (
            f"block|blocking|blocker|stop|stopping|prevent|preventing|stuck|holding + "
            f"{_CLOSE}|leave|leaving",
            3,
        ),
        (f"need|left|remaining|still + before|first + {_CLOSE}", 2),
        ("can i close|can i delete|eligible|eligibility|allowed to close|able to close", 2),
        ("注销受阻|阻止|卡在哪", 2),
        (
            "可以注销吗|能注销吗|能不能注销|符合注销|可不可以注销|注销条件|"
            "什么时候可以注销|何时可以注销|什么时候能注销|多久才能注销",
            2,
        ),
    ),
    "closure_how": (
        ("删除|删掉|关闭|注销|彻底 + 账户|账号", 1),
        ("怎么操作|怎么弄|怎么做|如何操作|怎么办理 + 删除|注销|关闭|销户", 2),
        (f"how + {_CLOSE}", 2),
        (f"how long + {_CLOSE}|take", 1),
        (f"steps|process|procedure|guide|instructions + {_CLOSE}", 2),
        ("cooling off|cool off|cooling period|waiting period|cooldown period", 2),
        (f"want to|wish to|would like to|like to|need to + {_CLOSE}|leave", 2),
        (f"{_CLOSE} + account|profile", 1),
        ("permanently|reopen|leave the platform|quit", 1),
        (
            "如何注销|怎么注销|怎样注销|注销流程|注销步骤|怎么销户|如何销户|注销要怎么|注销怎么弄|怎么關閉",
            3,
        ),
        (_ZH_CLOSE, 1),
        ("冷静期|犹豫期|等待期", 2),
        ("多久|多长时间|几天|要多少天 + 注销|销户", 2),
        ("我要注销|想注销|申请注销|我想销户|要销户", 1),
    ),
    "data": (
        ("store|keep|hold|have|know + about me", 3),
        ("copy of + everything|my data|my information|my account", 2),
        ("data|personal information|my information|my info|gdpr|privacy|personal details", 2),
        (
            "export|download|copy|get + data|history|records|transactions|statement|csv|"
            "information",
            3,
        ),
        ("tax|taxes|koinly|cointracking|csv|trade history|transaction history|statement", 2),
        ("what happens + data|information|records|details", 2),
        (
            "delete|erase|remove|wipe|keep|retain|store + data|information|details|records|"
            "documents|id|passport|selfie|photos|kyc",
            2,
        ),
        ("个人信息|个人数据|隐私|我的数据|我的资料|个人资料|身份信息", 2),
        ("导出|下载|备份 + 数据|记录|账单|资料|流水|明细", 3),
        ("交易记录|历史记录|账单|流水|报税|税务|交易明细", 2),
        ("删除|删掉|保留|保存|留存|清除 + 数据|信息|资料|记录", 2),
    ),
    "fees": (
        (
            "fee|fees|commission|charge|charged|charges|cost|costs|free of charge|is it free|"
            "for free",
            2,
        ),
        ("how much + pay|cost|charge|take|fee|close|sweep|withdraw", 2),
        ("手续费|费用|收费|扣费|免费|佣金|费率", 3),
        ("扣多少|收多少|多少费用|多少手续费", 2),
        ("多少钱|要钱|花钱|收钱|扣钱 + 注销|提现|提币|兑换|销户|关闭|清理", 3),
    ),
    "balances": (
        (
            "my balance|my balances|account balance|current balance|total balance|"
            "check balance|see balance|show balance|view balance",
            2,
        ),
        (
            "how much|how many + do i have|have i got|i have|i own|i hold|is left|are left|"
            "left in|remain in",
            2,
        ),
        (
            "what|which + coins|assets|tokens|crypto + do i have|i have|i hold|i own|in my account",
            3,
        ),
        ("hold|holding|holdings", 1),
        ("余额 + 多少|查|看|显示|是什么|有什么|剩", 2),
        ("还有多少|有多少|剩多少|剩下多少 + 币|钱|资产|余额|btc|eth|usdt|资金", 2),
        ("我的资产|我的持仓|持有多少|账户里有什么|账户里还有|有哪些币|有哪些资产", 2),
    ),
    "official": (
        ("is this you|is it you|really you|your real|really yours|is this yours|belong to you", 2),
        ("网址|链接|网站|邮件|短信|电话|号码 + 是你们|官方|真的吗|真的假的|可信", 2),
        ("phishing|scam|scammer|fake|fraud|legit|legitimate|official|impersonat|spoof", 2),
        (
            "genuine|really from|real|from you + email|e mail|message|sms|text|link|website|"
            "site|call",
            2,
        ),
        ("anti phishing|antiphishing", 3),
        ("asked for + seed|password|private key|code", 2),
        ("官方|钓鱼|诈骗|骗子|假冒|冒充|是真的吗|真的假的|防钓鱼码|是不是你们|是你们发的|可疑", 2),
    ),
    "human": (
        ("get me|connect me|put me through|i want|i need + agent|person|human|someone", 2),
        ("客服|人工 + 电话|打给我|联系我|回电", 2),
        ("human|real person|representative|live chat|live agent|operator|real human", 3),
        ("talk to|speak to|speak with|chat with|call me|talk with", 2),
        ("customer service|support team|contact support|support agent|someone from support", 2),
        ("agent|someone|person|support|staff", 1),
        ("人工|真人|转人工|客服人员|人工客服|找人|联系客服|在线客服|工作人员", 3),
        ("客服|电话", 1),
    ),
}

#: Ordinary English words of five letters or more one edit away from a pattern word;
#: they are never read as a typo of it ("stuff" is not "staff", "found" not "fund").
COMMON_WORDS = frozenset(
    {
        "about",
        "after",
        "again",
        "always",
        "change",
        "check",
        "clock",
        "closer",
        "could",
        "every",
        "first",
        "found",
        "great",
        "hello",
        "maybe",
        "never",
        "other",
        "passport",
        "people",
        "phones",
        "please",
        "right",
        "shall",
        "should",
        "since",
        "spend",
        "still",
        "stuff",
        "thank",
        "thanks",
        "their",
        "there",
        "these",
        "thing",
        "think",
        "those",
        "times",
        "today",
        "where",
        "which",
        "while",
        "would",
    }
)
