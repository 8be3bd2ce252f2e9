# ruff: noqa: RUF001 - customers type full-width commas and question marks; NFKC folds them
"""The assistant's labelled questions: what customers really type (typos, no punctuation,
polite filler, mixed English and Chinese, traditional characters, questions about
nothing the assistant knows), each with the intent it should be recognised as and the
language it should be answered in. Used by tests/unit/test_assistant_intents.py and by
``python -m bench.assistant_intents``, which prints the accuracy and every miss.
"""

from __future__ import annotations

from dataclasses import dataclass

from lastgate.desk.model.intents import Intent, detect_language, recognise

EN, ZH = "en", "zh_Hans"

#: (English, Chinese, the intent both ask about): one question said in each language,
#: which must get the same intent. From a walk: closing tried and failed, "what do I do"
#: got the closing process in Chinese and the blockers in English.
PAIRS: tuple[tuple[str, str, Intent], ...] = (
    (
        "I want to close my account but I can't. What do I do?",
        "我想注销账户但是不行，我该怎么办？",
        Intent.CLOSURE_BLOCKERS,
    ),
    (
        "I tried to close my account and it failed",
        "我试着注销账户，但是失败了",
        Intent.CLOSURE_BLOCKERS,
    ),
    (
        "I want to close my account but it won't let me",
        "我想注销账户，但是系统不让",
        Intent.CLOSURE_BLOCKERS,
    ),
    (
        "closing my account didn't work, what now?",
        "注销账户没成功，怎么办",
        Intent.CLOSURE_BLOCKERS,
    ),
    ("Why can't I close my account?", "为什么我不能注销账户？", Intent.CLOSURE_BLOCKERS),
    ("How do I close my account?", "怎么注销账户？", Intent.CLOSURE_HOW),
    ("I want to close my account", "我想注销账户", Intent.CLOSURE_HOW),
)

#: (question, the language it is written in, the intent it asks about)
QUESTIONS: tuple[tuple[str, str, Intent], ...] = (
    # -- English ------------------------------------------------------------------------
    (
        "I lost my phone and can't get my 2FA codes anymore, what do I do?",
        EN,
        Intent.LOST_CREDENTIALS,
    ),
    (
        "hi, i got a new phone and my google authenticator is gone. how do i get back in?",
        EN,
        Intent.LOST_CREDENTIALS,
    ),
    ("Forgot my pasword, please help", EN, Intent.LOST_CREDENTIALS),
    ("plz help, cant login, my phone was stolen", EN, Intent.LOST_CREDENTIALS),
    ("what is dust?", EN, Intent.DUST),
    ("How can I get rid of these tiny leftover balances like SHIB?", EN, Intent.DUST),
    ("theres a few cents of DOGE left i cant withdraw, can you clear it", EN, Intent.DUST),
    ("How long until my deposit arrives?", EN, Intent.TRANSFER_PENDING),
    ("my ETH depost hasnt shown up yet, its been an hour", EN, Intent.TRANSFER_PENDING),
    (
        "Withdrawal of 500 USDT still processing since yesterday, when will it arrive?",
        EN,
        Intent.TRANSFER_PENDING,
    ),
    ("widthdrawal pending for 2 days, where is my money??", EN, Intent.TRANSFER_PENDING),
    ("Why is my account frozen?", EN, Intent.FROZEN),
    ("is my acount frozen? I can't trade", EN, Intent.FROZEN),
    ("How do I unfreeze my account please", EN, Intent.FROZEN),
    ("my account got locked by risk control after I logged in from abroad", EN, Intent.FROZEN),
    ("How do I close my account?", EN, Intent.CLOSURE_HOW),
    (
        "how long does closing an account take, and what is the cooling off period?",
        EN,
        Intent.CLOSURE_HOW,
    ),
    ("I'd like to delete my account permanently. What are the steps?", EN, Intent.CLOSURE_HOW),
    ("what does the cooling-off period mean", EN, Intent.CLOSURE_HOW),
    ("how do I 注销 my account", EN, Intent.CLOSURE_HOW),
    ("What's the status of my closure request?", EN, Intent.CLOSURE_STATUS),
    (
        "I submitted a request to close my account 3 days ago, any update?",
        EN,
        Intent.CLOSURE_STATUS,
    ),
    ("I changed my mind, how do I cancel the closure?", EN, Intent.CLOSURE_STATUS),
    ("Is my account closed yet?", EN, Intent.CLOSURE_STATUS),
    ("Why can't I close my account?", EN, Intent.CLOSURE_BLOCKERS),
    ("What is stopping me from closing?", EN, Intent.CLOSURE_BLOCKERS),
    ("My closure request was rejected, how can I appeal?", EN, Intent.APPEAL),
    ("why was my request denied? this is unfair", EN, Intent.APPEAL),
    ("Can I download all my data before I leave?", EN, Intent.DATA),
    ("What happens to my personal information after the account is closed?", EN, Intent.DATA),
    ("I need my transaction history as CSV for my taxes", EN, Intent.DATA),
    ("Are there any fees for closing my account?", EN, Intent.FEES),
    ("how much do you charge to sweep small balances", EN, Intent.FEES),
    ("I want to talk to a real person", EN, Intent.HUMAN),
    ("Can I speak with customer service please, the bot isn't helping", EN, Intent.HUMAN),
    (
        "I got an email saying my account will be closed unless I verify, is it legit?",
        EN,
        Intent.OFFICIAL,
    ),
    ("hello", EN, Intent.UNKNOWN),
    ("Can I buy bitcoin with a credit card here?", EN, Intent.UNKNOWN),
    ("thx for the help, have a nice day", EN, Intent.UNKNOWN),
    ("what's the price of BTC right now", EN, Intent.UNKNOWN),
    ("do u guys have an app for android", EN, Intent.UNKNOWN),
    # -- Chinese ------------------------------------------------------------------------
    ("我的手机丢了，谷歌验证器也没了，怎么办？", ZH, Intent.LOST_CREDENTIALS),
    ("换了新手机，二次验证登录不了", ZH, Intent.LOST_CREDENTIALS),
    ("忘记密码了怎么找回", ZH, Intent.LOST_CREDENTIALS),
    ("收不到验证码，登不上账户", ZH, Intent.LOST_CREDENTIALS),
    ("什么是小额资产？", ZH, Intent.DUST),
    ("账户里还有一点零头提不出来，怎么清理", ZH, Intent.DUST),
    ("SHIB 这种碎币怎么处理啊", ZH, Intent.DUST),
    ("我的充值还没到账，要多久？", ZH, Intent.TRANSFER_PENDING),
    ("ETH充值一直显示确认中", ZH, Intent.TRANSFER_PENDING),
    ("提现500U两天了还没到，是不是卡住了", ZH, Intent.TRANSFER_PENDING),
    ("我的 deposit 还没到，怎么回事", ZH, Intent.TRANSFER_PENDING),
    ("我体现了100u，怎么还没到账", ZH, Intent.TRANSFER_PENDING),
    ("我的账户被冻结了怎么办", ZH, Intent.FROZEN),
    ("为什么我的账号被锁定了？", ZH, Intent.FROZEN),
    ("怎么解冻账户", ZH, Intent.FROZEN),
    ("风控限制了我的账户，能解除吗", ZH, Intent.FROZEN),
    ("帐户被凍結了，怎么办", ZH, Intent.FROZEN),
    ("怎么注消账户啊", ZH, Intent.CLOSURE_HOW),
    ("注销需要多久？冷静期是几天", ZH, Intent.CLOSURE_HOW),
    ("我想注销账号，流程是什么", ZH, Intent.CLOSURE_HOW),
    ("请问一下，冷静期是什么意思", ZH, Intent.CLOSURE_HOW),
    ("我的注销申请进度怎么样了", ZH, Intent.CLOSURE_STATUS),
    ("注销申请提交好几天了，到哪一步了", ZH, Intent.CLOSURE_STATUS),
    ("不想注销了，怎么取消", ZH, Intent.CLOSURE_STATUS),
    ("我的账户已经注销了吗", ZH, Intent.CLOSURE_STATUS),
    ("为什么我不能注销账户", ZH, Intent.CLOSURE_BLOCKERS),
    ("我的账户能注销吗？", ZH, Intent.CLOSURE_BLOCKERS),
    ("注销被驳回了，怎么申诉", ZH, Intent.APPEAL),
    ("为什么拒绝我的注销申请？我不服", ZH, Intent.APPEAL),
    ("注销前能导出我的交易记录吗", ZH, Intent.DATA),
    ("注销后我的个人信息会被删除吗", ZH, Intent.DATA),
    ("报税需要历史账单，怎么下载", ZH, Intent.DATA),
    ("注销账户要收手续费吗？", ZH, Intent.FEES),
    ("清理小额资产扣多少费用", ZH, Intent.FEES),
    ("我要找人工客服", ZH, Intent.HUMAN),
    ("转人工", ZH, Intent.HUMAN),
    ("收到一条短信说我的账户要被注销，是官方发的吗？", ZH, Intent.OFFICIAL),
    ("你好", ZH, Intent.UNKNOWN),
    ("比特币今天多少钱", ZH, Intent.UNKNOWN),
    ("谢谢你的帮助", ZH, Intent.UNKNOWN),
    ("你们的APP在哪里下载", ZH, Intent.UNKNOWN),
    # -- written after the patterns were first tuned, measured before they were changed
    # again (21 of 32 right then: 10 fell back to the overview, 1 took a wrong intent) --
    ("my authenticator app got deleted when I reset my phone", EN, Intent.LOST_CREDENTIALS),
    ("I no longer have access to the email and phone on my account", EN, Intent.LOST_CREDENTIALS),
    ("what are these little amounts of coins I can't withdraw?", EN, Intent.DUST),
    ("can you convert my leftover crypto crumbs into USDT", EN, Intent.DUST),
    ("sent BTC to my deposit address 3 hours ago and still nothing", EN, Intent.TRANSFER_PENDING),
    ("my withdrawl hasn't been received by my bank", EN, Intent.TRANSFER_PENDING),
    ("I can't withdraw or trade, is my account suspended?", EN, Intent.FROZEN),
    ("how can I lift the freeze I put on my account", EN, Intent.FROZEN),
    ("what do I need to do to close my account for good", EN, Intent.CLOSURE_HOW),
    ("has my account deletion gone through?", EN, Intent.CLOSURE_STATUS),
    ("they rejected my closure, I want it reviewed again", EN, Intent.APPEAL),
    ("how do I get a copy of everything you store about me", EN, Intent.DATA),
    ("is there a charge to withdraw before closing?", EN, Intent.FEES),
    ("get me an agent", EN, Intent.HUMAN),
    ("got a text from 'support' asking for my seed phrase, is this you?", EN, Intent.OFFICIAL),
    ("good morning, how are you", EN, Intent.UNKNOWN),
    ("谷歌验证码丢了，怎么重新绑定", ZH, Intent.LOST_CREDENTIALS),
    ("手机号换了收不到短信验证码", ZH, Intent.LOST_CREDENTIALS),
    ("余额里那些很小的币能一键兑换吗", ZH, Intent.DUST),
    ("零钱怎么处理", ZH, Intent.DUST),
    ("充币三个小时了还没到账", ZH, Intent.TRANSFER_PENDING),
    ("提币一直在审核中是怎么回事", ZH, Intent.TRANSFER_PENDING),
    ("账户为什么被限制交易了", ZH, Intent.FROZEN),
    ("我自己冻结的账户怎么解开", ZH, Intent.FROZEN),
    ("想把账户彻底删除，要怎么操作", ZH, Intent.CLOSURE_HOW),
    ("我提交的注销现在是什么状态", ZH, Intent.CLOSURE_STATUS),
    ("注销审核没通过，可以再申请一次复核吗", ZH, Intent.APPEAL),
    ("注销以后你们会保留我的身份信息多久", ZH, Intent.DATA),
    ("注销要花钱吗", ZH, Intent.FEES),
    ("能不能让客服打电话给我", ZH, Intent.HUMAN),
    ("这个网址 www.examp1e.com 是你们的吗", ZH, Intent.OFFICIAL),
    ("早上好", ZH, Intent.UNKNOWN),
    # -- a second fresh round, measured before the patterns were changed for it (26 of 36
    # right then; the 10 misses all fell back to the overview, none took a wrong intent) --
    # Someone else changed it: a suspected takeover (labelled a lost password until the
    # takeover had an intent of its own; the freeze, not a recovery, comes first).
    ("Help!! someone changed my password and I can't get in", EN, Intent.SUSPECTED_TAKEOVER),
    ("i switched phones and now the 6 digit codes dont work", EN, Intent.LOST_CREDENTIALS),
    ("what does 'small balances' mean on the closing page", EN, Intent.DUST),
    ("can I just give up the tiny coins I have left?", EN, Intent.DUST),
    ("my USDC transfer from coinbase isn't showing in my wallet", EN, Intent.TRANSFER_PENDING),
    ("when will the 0.75 ETH I deposited be credited", EN, Intent.TRANSFER_PENDING),
    ("why can't I log into my account, it says frozen", EN, Intent.FROZEN),
    ("please unlock my account, I didn't do anything wrong", EN, Intent.FROZEN),
    ("what's the process for deleting my account", EN, Intent.CLOSURE_HOW),
    ("Is there a waiting period before my account is deleted?", EN, Intent.CLOSURE_HOW),
    ("has anyone looked at my closure request yet", EN, Intent.CLOSURE_STATUS),
    ("I'd like to appeal the decision on my account closure", EN, Intent.APPEAL),
    ("will you keep my ID documents after I close?", EN, Intent.DATA),
    ("do I get charged anything for closing", EN, Intent.FEES),
    ("I need to speak to someone urgently", EN, Intent.HUMAN),
    ("is support@examp1e.com your real address?", EN, Intent.OFFICIAL),
    ("What's the weather like in Berlin", EN, Intent.UNKNOWN),
    ("what blocks me from leaving", EN, Intent.CLOSURE_BLOCKERS),
    ("身份验证器的手机坏了，怎么登录", ZH, Intent.LOST_CREDENTIALS),
    ("我忘了2FA的备份码", ZH, Intent.LOST_CREDENTIALS),
    ("那些不值钱的小币怎么清掉", ZH, Intent.DUST),
    ("我转进来的USDT怎么还没显示", ZH, Intent.TRANSFER_PENDING),
    ("出金申请多久能到银行卡", ZH, Intent.TRANSFER_PENDING),
    ("我的号被封了，怎么申请解封", ZH, Intent.FROZEN),
    ("账户为什么不能交易了", ZH, Intent.FROZEN),
    ("销户要几天", ZH, Intent.CLOSURE_HOW),
    ("注销账号的步骤有哪些", ZH, Intent.CLOSURE_HOW),
    ("我的销户申请审核通过了吗", ZH, Intent.CLOSURE_STATUS),
    ("注销被拒了我不同意", ZH, Intent.APPEAL),
    ("能把我的交易数据导出成表格吗", ZH, Intent.DATA),
    ("注销账户收费吗", ZH, Intent.FEES),
    ("有没有真人客服", ZH, Intent.HUMAN),
    ("有人加我微信说是你们的客服，是真的吗", ZH, Intent.OFFICIAL),
    ("今天天气怎么样", ZH, Intent.UNKNOWN),
    ("为什么注销一直失败", ZH, Intent.CLOSURE_BLOCKERS),
    ("我还差什么才能注销", ZH, Intent.CLOSURE_BLOCKERS),
    # -- a third fresh round, left as measured (15 of 20: two fall back to the overview,
    # three take a neighbouring intent); the patterns were not changed for it ---------
    ("My SIM card was swapped and I lost my 2FA, what now?", EN, Intent.LOST_CREDENTIALS),
    (
        "tiny amounts of 5 different coins are stuck in my wallet, how do I clean them up",
        EN,
        Intent.DUST,
    ),
    ("bank transfer sent friday, still not in my account", EN, Intent.TRANSFER_PENDING),
    ("I was told my account is restricted, why?", EN, Intent.FROZEN),
    ("how many days does it take to close an account", EN, Intent.CLOSURE_HOW),
    ("did you receive my closure request?", EN, Intent.CLOSURE_STATUS),
    ("I don't accept the rejection of my request", EN, Intent.APPEAL),
    ("can you send me all the data you have on me", EN, Intent.DATA),
    ("what's the cost of closing my account", EN, Intent.FEES),
    ("Do you guys have a phone number I can call?", EN, Intent.HUMAN),
    ("手机换号了，二次验证怎么改", ZH, Intent.LOST_CREDENTIALS),
    ("账户里有几分钱的币，怎么弄掉", ZH, Intent.DUST),
    ("银行卡充值的钱还没到", ZH, Intent.TRANSFER_PENDING),
    ("为啥我的账户被限制了", ZH, Intent.FROZEN),
    ("账户注销要等多少天", ZH, Intent.CLOSURE_HOW),
    ("我申请注销已经一周了还没消息", ZH, Intent.CLOSURE_STATUS),
    ("我对注销被拒的结果有异议", ZH, Intent.APPEAL),
    ("账户注销后交易记录还能查到吗", ZH, Intent.DATA),
    ("提现手续费是多少", ZH, Intent.FEES),
    ("请帮我转接人工服务", ZH, Intent.HUMAN),
    # -- balances, written with the intent's patterns ----------------------------------
    ("how much BTC do I have?", EN, Intent.BALANCES),
    ("What is my current balance", EN, Intent.BALANCES),
    ("can you show me my balances before I close", EN, Intent.BALANCES),
    ("which coins do i still hold here", EN, Intent.BALANCES),
    ("how much USDT is left in my account", EN, Intent.BALANCES),
    ("check my balence pls", EN, Intent.BALANCES),
    ("我还有多少币", ZH, Intent.BALANCES),
    ("查一下我的余额", ZH, Intent.BALANCES),
    ("我的USDT余额是多少？", ZH, Intent.BALANCES),
    ("账户里还有多少钱", ZH, Intent.BALANCES),
    ("我的资产还剩多少", ZH, Intent.BALANCES),
    ("看看我有哪些币", ZH, Intent.BALANCES),
    # -- from a walk, the pattern written for it ----------------------------------------
    ("when will my account actually be closed", EN, Intent.CLOSURE_STATUS),
    ("我的账户什么时候注销？", ZH, Intent.CLOSURE_STATUS),
    # -- a walk of the security cooldown card: someone else changed a factor (a takeover,
    # never a lost phone), and a factor the customer changed that now blocks closing ---
    ("someone else changed my 2FA", EN, Intent.SUSPECTED_TAKEOVER),
    ("I didn't change my password", EN, Intent.SUSPECTED_TAKEOVER),
    ("someone changed my authenticator", EN, Intent.SUSPECTED_TAKEOVER),
    ("my account was hacked, what do I do", EN, Intent.SUSPECTED_TAKEOVER),
    ("I got a new phone, why am I blocked", EN, Intent.SECURITY_COOLDOWN),
    ("I changed my 2FA, why can't I close my account?", EN, Intent.SECURITY_COOLDOWN),
    ("what is the security cooldown", EN, Intent.SECURITY_COOLDOWN),
    ("I reset my password, how many days do I have to wait", EN, Intent.SECURITY_COOLDOWN),
    ("有人改了我的二次验证", ZH, Intent.SUSPECTED_TAKEOVER),
    ("我没有修改过密码", ZH, Intent.SUSPECTED_TAKEOVER),
    ("有人换了我的验证器", ZH, Intent.SUSPECTED_TAKEOVER),
    ("我的账号被盗了怎么办", ZH, Intent.SUSPECTED_TAKEOVER),
    ("换了新手机，为什么不能注销", ZH, Intent.SECURITY_COOLDOWN),
    ("安全冷静期是什么", ZH, Intent.SECURITY_COOLDOWN),
    ("我刚改了密码，为什么要等7天才能注销", ZH, Intent.SECURITY_COOLDOWN),
    ("重新绑定谷歌验证后被限制了", ZH, Intent.SECURITY_COOLDOWN),
    # -- the same question in both languages (PAIRS, below) -------------------------------
    *((en, EN, intent) for en, _, intent in PAIRS),
    *((zh, ZH, intent) for _, zh, intent in PAIRS),
)


@dataclass(frozen=True, slots=True)
class Measured:
    """How many questions got their intent, and how each miss went."""

    total: int
    right: int
    misses: tuple[tuple[str, Intent, Intent], ...]  # (question, expected, recognised)
    language_misses: tuple[tuple[str, str, str], ...]  # (question, expected, detected)

    @property
    def accuracy(self) -> float:
        return self.right / self.total


def measure(questions: tuple[tuple[str, str, Intent], ...] = QUESTIONS) -> Measured:
    misses = []
    language_misses = []
    for question, language, expected in questions:
        got = recognise(question).intent
        if got is not expected:
            misses.append((question, expected, got))
        # The reader's language is the other one: the question alone must decide.
        other = ZH if language == EN else EN
        if (detected := detect_language(question, other)) != language:
            language_misses.append((question, language, detected))
    return Measured(
        len(questions), len(questions) - len(misses), tuple(misses), tuple(language_misses)
    )
