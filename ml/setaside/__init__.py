"""Set aside non-substantive customer texts before clustering and sentiment.

Some customer texts carry nothing a topic or a sentiment trend can use. They are not dropped:
each gets a fixed class instead of a topic, is counted and reported.

Classes
    ``chit_chat``
        The customer said something social only: a greeting (你好 / 在吗 / hello), thanks
        (谢谢 / 辛苦了 / thanks a lot), an acknowledgement (好的 / 嗯嗯 / 收到 / ok / got it),
        a request for a human agent (转人工 / 人工客服 / real person), a goodbye, or only
        emoji / kaomoji / punctuation. Any concatenation of these with fillers counts
        ("亲，在吗~", "好的谢谢！！", "ok thanks 😊"); any substantive content does not
        ("好的谢谢，我的快递到哪了", "thanks, but the parcel never arrived").
    ``placeholder``
        There is no customer text: an empty field, a marketplace default for a review left
        blank or auto-written (此用户没有填写评价。/ 系统默认好评 / This user did not leave a
        review), an auto-reply ("[自动回复]…", "您好，欢迎光临…"), or copy-paste boilerplate
        with nothing else in it.
    ``None``
        Substantive: goes to clustering and sentiment as usual.

Why: hundreds of "好的谢谢" or "此用户没有填写评价" texts form big, meaningless clusters,
crowd real topics out of the weekly report and skew sentiment (a platform's "系统默认好评"
is not a customer's opinion). They are still counted (:func:`counts`), so a report can say
"1,234 chit-chat, 56 placeholders set aside".

Customising: the rules are data in ``ml/setaside/rules.yml`` (documented there). Copy it,
edit the copy (add a shop's own auto-reply, a platform's default text, local greetings) and
point the environment variable ``EE_SETASIDE_RULES`` at it: :func:`default_setaside` reads
it. Or load any file with ``SetAside.from_file(path)``.

Public API::

    from ml.setaside import SetAside, default_setaside, counts
    model = default_setaside()
    classes = model.classify(texts)      # object array: "chit_chat" / "placeholder" / None
    model.counts(classes)                # {"chit_chat": .., "placeholder": .., "substantive": ..,
                                         #  "set_aside": .., "total": ..}
"""

from ml.setaside.classifier import (
    CHIT_CHAT,
    CLASSES,
    DEFAULT_RULES,
    ENV_VAR,
    PLACEHOLDER,
    SetAside,
    benchmark,
    counts,
    default_setaside,
)

__all__ = [
    "CHIT_CHAT",
    "CLASSES",
    "DEFAULT_RULES",
    "ENV_VAR",
    "PLACEHOLDER",
    "SetAside",
    "benchmark",
    "counts",
    "default_setaside",
]
