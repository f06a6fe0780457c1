"""Phrase banks for the customer voice: one entry per sub-intent, Chinese and English.

Written for this project (nothing is copied from public datasets). Templates use
``str.format`` slots that :mod:`include.demo.text` fills in:

``{product}`` product name, ``{order}`` order number, ``{amount}`` money amount,
``{date}`` a date, ``{carrier}`` carrier name, ``{coupon}`` coupon code, ``{days}`` a
number of days, ``{platform}`` shop/platform name, ``{region}`` province.

Each sub-intent belongs to one service element (the taxonomy code) and carries a
polarity (``positive``, ``neutral``, ``negative``) that the generator keeps consistent
with review stars and NPS scores.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE_ELEMENTS: tuple[str, ...] = (
    "promotion",
    "product_consultation",
    "payment",
    "logistics",
    "after_sales",
    "product_quality",
    "account",
    "other",
)


@dataclass(frozen=True)
class SubIntent:
    """One thing a customer says, in many wordings.

    Attributes:
        code: ``<service_element>.<name>``, e.g. ``logistics.delivery_delay``.
        polarity: ``positive``, ``neutral`` or ``negative``.
        zh: Chinese templates.
        en: English templates.
    """

    code: str
    polarity: str
    zh: tuple[str, ...]
    en: tuple[str, ...]

    @property
    def service_element(self) -> str:
        return self.code.split(".", 1)[0]


def _si(code: str, polarity: str, zh: list[str], en: list[str]) -> SubIntent:
    return SubIntent(code, polarity, tuple(zh), tuple(en))


SUB_INTENTS: tuple[SubIntent, ...] = (
    # ---------------------------------------------------------------- promotion
    _si("promotion.coupon_not_applicable", "negative", [
        "领的{coupon}优惠券怎么用不了，明明满额了",
        "满减券结算的时候不生效，页面显示不满足使用条件",
        "我领了{amount}元的券，下单时根本选不了",
        "优惠券显示已领取但是订单里没有抵扣",
        "为什么{product}不能用店铺券？活动页写着全场通用",
        "券明明还没过期，结算提示不可用，这不是骗人吗",
        "{platform}上领的券到你们店用不了，说好的跨店满减呢",
    ], [
        "The coupon {coupon} won't apply at checkout even though I met the minimum",
        "I claimed a {amount} yuan voucher but it doesn't show up on my order",
        "Why can't I use the store coupon on {product}? The banner says it works on everything",
        "My coupon says claimed but the discount is not deducted",
        "The voucher hasn't expired yet it says not applicable, feels like a scam",
    ]),
    _si("promotion.price_protection", "negative", [
        "我{date}买的{product}，今天就降价了{amount}元，能保价吗",
        "刚买完就降价，差了{amount}块，申请价保",
        "活动价比我下单时便宜好多，差价能退吗",
        "双十一前买的现在便宜了，你们的保价承诺呢",
        "同一个{product}我买贵了{amount}元，心里很不舒服",
    ], [
        "I bought {product} on {date} and now it is {amount} yuan cheaper, can I get price protection?",
        "The price dropped right after I paid, please refund the difference",
        "Your promo price is way lower than what I paid, do you honour price protection?",
        "I paid {amount} more than today's price for the same {product}",
    ]),
    _si("promotion.price_concern", "negative", [
        "{product}有点贵啊，能不能再便宜点",
        "别家同款才卖{amount}，你们这价格太高了",
        "这个价格不太划算，等降价再买吧",
        "还会降价吗？现在下单感觉亏了",
        "{amount}块有点超预算，有没有优惠",
        "价格能少一点吗，诚心要",
    ], [
        "The {product} is a bit pricey, any chance of a discount?",
        "Another shop sells the same thing for {amount}, why is yours more expensive?",
        "Will the price drop soon? I'd rather wait",
        "That's over my budget, is there any cheaper option?",
        "Too expensive for what it is, can you do a better price?",
    ]),
    _si("promotion.rules_question", "neutral", [
        "请问满{amount}减多少？可以叠加店铺券吗",
        "这次活动的规则是什么，跨店满减怎么算",
        "会员日的折扣和优惠券能一起用吗",
        "{product}参加这次活动吗？活动到几号结束",
        "买两件是不是第二件半价？",
        "赠品是下单就送还是要备注",
    ], [
        "How does the spend {amount} get a discount deal work, can I stack it with store coupons?",
        "Does {product} join this promotion? When does the sale end?",
        "Can member day discounts be combined with coupons?",
        "Is it buy two get the second half price?",
        "Do I need to leave a note to get the free gift?",
    ]),
    _si("promotion.presale_deposit", "neutral", [
        "预售定金付了，尾款什么时候开始付",
        "定金{amount}元能抵多少？尾款忘付了定金还退吗",
        "预售的{product}什么时候发货",
        "付了定金现在不想要了，可以退定金吗",
        "尾款时间是{date}晚上八点吗",
    ], [
        "I paid the pre-sale deposit, when can I pay the balance?",
        "How much does the {amount} yuan deposit offset? Is it refunded if I miss the final payment?",
        "When will the pre-sale {product} ship?",
        "Is the final payment window on {date} at 8pm?",
    ]),
    _si("promotion.good_deal", "positive", [
        "这次活动真的很划算，{product}比平时便宜了{amount}",
        "双十一囤了好多，价格很香",
        "优惠力度很大，领券后超值",
        "会员价太给力了，已经回购第三次",
        "活动价入手{product}，性价比超高",
    ], [
        "Great deal this time, {product} was {amount} yuan cheaper than usual",
        "Stocked up during the sale, prices were amazing",
        "With the coupon it was a steal, totally worth it",
        "Member price is fantastic, third time buying",
    ]),
    # ---------------------------------------------------- product_consultation
    _si("product_consultation.size_spec", "neutral", [
        "{product}的规格是多少？净含量多少克",
        "这个{product}尺寸多大，家里放得下吗",
        "请问{product}有几种规格可选",
        "功率多少瓦？用的是什么插头",
        "一箱有几瓶？单瓶多少毫升",
    ], [
        "What size is the {product}? How much does it weigh?",
        "Which specs does {product} come in?",
        "What's the wattage and plug type of this one?",
        "How many bottles are in a box and how big is each?",
    ]),
    _si("product_consultation.stock_availability", "neutral", [
        "{product}什么时候补货？一直显示缺货",
        "请问还有现货吗，今天下单能发吗",
        "{region}能送吗？显示无货",
        "{product}会不会再上架",
        "预计几号有货？我想买两件",
    ], [
        "When will {product} be back in stock?",
        "Is it in stock now, will it ship today if I order?",
        "It says unavailable for {region}, can you deliver there?",
        "Will {product} be restocked soon? I want two",
    ]),
    _si("product_consultation.usage", "neutral", [
        "{product}怎么用？说明书看不懂",
        "第一次用需要先清洗吗",
        "这个可以放洗碗机吗",
        "{product}适合几岁的宝宝用",
        "怎么设置定时功能",
        "开封后需要冷藏吗",
    ], [
        "How do I use the {product}? The manual is confusing",
        "Do I need to wash it before first use?",
        "Is this dishwasher safe?",
        "How do I set the timer on {product}?",
        "Does it need to be refrigerated after opening?",
    ]),
    _si("product_consultation.authenticity", "neutral", [
        "是正品吗？有没有防伪码",
        "{product}是官方授权的吗",
        "和专柜的是同一款吗",
        "能提供质检报告吗",
        "这个是国行还是海外版",
    ], [
        "Is this genuine? Is there an anti-counterfeit code?",
        "Is {product} an officially licensed item?",
        "Can you provide a quality inspection report?",
        "Is it the same as the one sold in retail stores?",
    ]),
    _si("product_consultation.shelf_life", "neutral", [
        "{product}保质期多久？生产日期是哪天的",
        "发的是新鲜批次吗，临期的话我不要",
        "生产日期离现在多久了",
        "开封后能放几天",
    ], [
        "What's the shelf life of {product}? When was it produced?",
        "Will I get a fresh batch? I don't want anything near expiry",
        "How long does it keep after opening?",
    ]),
    # ---------------------------------------------------------------- payment
    _si("payment.payment_failed", "negative", [
        "付款一直失败，提示支付超时",
        "银行卡扣款不成功，换了两张卡都不行",
        "花呗付款提示风控，付不了",
        "订单{order}付款失败了，但是钱好像扣了",
        "支付页面卡住了，转圈圈一直付不了",
        "微信支付提示交易异常，怎么回事",
    ], [
        "Payment keeps failing, it says the transaction timed out",
        "My card was declined twice and I tried two different cards",
        "Huabei says risk control and won't let me pay",
        "Payment for order {order} failed but I think money was taken",
        "The checkout page just spins and never completes",
    ]),
    _si("payment.coupon_checkout_error", "negative", [
        "付款的时候提示优惠券{coupon}无效，订单一直付不了",
        "用了{coupon}结算就报错，去掉券才能付，活动价没了",
        "订单{order}提交了付不了款，说券已失效，可是券是今天刚领的",
        "一用活动券就支付失败，试了好几次了",
        "支付失败，提示COUPON无效，订单还挂在待付款",
    ], [
        "Checkout says coupon {coupon} is invalid and I can't pay for the order",
        "Payment fails whenever I use {coupon}, without it I lose the promo price",
        "Order {order} is stuck unpaid because the coupon is suddenly invalid",
        "Tried several times, paying with the promo coupon always errors out",
    ]),
    _si("payment.double_charge", "negative", [
        "同一个订单扣了我两次钱，{amount}元扣了两遍",
        "重复扣款了，请尽快退回",
        "账单显示两笔一样的支付，订单{order}",
        "付款失败了可是银行卡被扣款了",
    ], [
        "I was charged twice for the same order, {amount} yuan two times",
        "Duplicate charge on order {order}, please refund one",
        "The payment failed but my bank still deducted the money",
    ]),
    _si("payment.installment_huabei", "neutral", [
        "可以用花呗分期吗？免息几期",
        "{product}支持信用卡分期吗",
        "分期手续费怎么算",
        "花呗额度不够能组合支付吗",
    ], [
        "Can I pay in installments with Huabei? How many interest-free periods?",
        "Does {product} support credit card installments?",
        "Can I split the payment between Huabei and my card?",
    ]),
    _si("payment.invoice", "neutral", [
        "订单{order}怎么开发票？要开公司抬头",
        "电子发票在哪里下载",
        "发票抬头写错了能重开吗",
        "能开专票吗",
    ], [
        "How do I get an invoice for order {order} with my company name?",
        "Where can I download the e-invoice?",
        "The invoice title is wrong, can you reissue it?",
    ]),
    # --------------------------------------------------------------- logistics
    _si("logistics.delivery_delay", "negative", [
        "说好{days}天到，现在还没收到，{carrier}太慢了",
        "订单{order}超时了还没送到，什么情况",
        "快递在{region}停了好几天不动",
        "等了{days}天了还没到货，急用",
        "承诺的时效早过了，{carrier}到底送不送",
        "物流太慢了，比预计晚了{days}天",
        "都{date}了我的包裹还在路上",
    ], [
        "It was supposed to arrive in {days} days and I still don't have it, {carrier} is so slow",
        "Order {order} is late and still not delivered, what's going on?",
        "My parcel has been stuck in {region} for days",
        "Waited {days} days and nothing, I need it urgently",
        "Delivery is {days} days later than promised",
        "It's already {date} and my package is still in transit",
    ]),
    _si("logistics.tracking_no_update", "negative", [
        "物流信息三天没更新了",
        "快递单号查不到任何信息",
        "{carrier}的物流一直显示已揽收，没有下一步",
        "订单{order}显示已发货但是没有物流轨迹",
        "包裹显示派送中一整天了，人呢",
    ], [
        "Tracking hasn't updated in three days",
        "The tracking number shows nothing at all",
        "{carrier} tracking stuck on picked up",
        "Order {order} says shipped but there is no tracking info",
    ]),
    _si("logistics.wrong_address", "neutral", [
        "地址填错了，还能改吗？订单{order}",
        "能帮我改一下收货地址吗，搬家了",
        "收件人电话写错了怎么办",
        "还没发货的话帮我改成{region}的新地址",
    ], [
        "I entered the wrong address for order {order}, can I change it?",
        "Can you update my delivery address? I just moved",
        "The recipient phone number is wrong, how do I fix it?",
    ]),
    _si("logistics.shipping_fee", "neutral", [
        "为什么还要{amount}元运费，不包邮吗",
        "{region}包邮吗？运费太贵了",
        "满多少可以免运费",
        "邮费比东西还贵，能免一下吗",
        "配送费怎么这么高",
    ], [
        "Why is there a {amount} yuan shipping fee? Isn't shipping free?",
        "Do you offer free shipping to {region}? The delivery charge is too high",
        "How much do I need to spend to get free delivery?",
        "Postage costs more than the item, can you waive it?",
    ]),
    _si("logistics.damaged_package", "negative", [
        "快递到了箱子都压扁了，{product}也摔坏了",
        "外包装破损，里面的东西漏出来了",
        "生鲜到货的时候冰袋全化了",
        "盒子被压烂，东西碎了",
        "包裹湿透了，明显被暴力运输",
    ], [
        "The box arrived crushed and the {product} inside is broken",
        "Package was damaged and leaking when it arrived",
        "The ice packs had all melted when the fresh food arrived",
        "Parcel was soaking wet, clearly handled roughly",
    ]),
    _si("logistics.fast_delivery", "positive", [
        "物流超快，隔天就到了",
        "{carrier}速度真快，昨天下单今天就收到",
        "发货很及时，包装也很用心",
        "半天就送到了，点赞",
        "配送小哥很准时，送货上门",
    ], [
        "Super fast delivery, arrived the next day",
        "{carrier} was quick, ordered yesterday and got it today",
        "Shipped right away and well packed",
        "Courier was on time and brought it to my door",
    ]),
    _si("logistics.courier_attitude", "negative", [
        "快递员没打电话就放驿站了",
        "没送上门还显示已签收",
        "快递员态度很差，让我自己下楼拿",
        "{carrier}的快递员把包裹扔在门口就走了",
    ], [
        "The courier left it at a pickup point without calling me",
        "It says signed for but nobody delivered it",
        "The courier was rude and told me to come downstairs",
        "{carrier} courier just dumped the package at the door",
    ]),
    # -------------------------------------------------------------- after_sales
    _si("after_sales.return_request", "neutral", [
        "{product}不想要了，能七天无理由退货吗",
        "怎么申请退货？运费谁出",
        "订单{order}申请退货，上门取件吗",
        "买错了型号，想退掉",
        "退货地址是哪里",
    ], [
        "I don't want the {product} anymore, can I return it within seven days?",
        "How do I start a return? Who pays the shipping?",
        "I'd like to return order {order}, will you pick it up?",
        "Ordered the wrong model, want to send it back",
    ]),
    _si("after_sales.refund_status", "negative", [
        "退款申请了{days}天还没到账",
        "退货已经签收了，退款什么时候退",
        "订单{order}的退款一直显示处理中",
        "退款{amount}元迟迟不到，客服也不回",
        "说好的原路退回，钱呢",
    ], [
        "I requested a refund {days} days ago and still haven't received it",
        "You received my return, when do I get my money back?",
        "Refund for order {order} has been pending forever",
        "Still waiting for my {amount} yuan refund and nobody answers",
    ]),
    _si("after_sales.exchange", "neutral", [
        "尺码不合适，能换一个大一号的吗",
        "{product}颜色发错了，想换成我下单的颜色",
        "可以直接换新吗，不想退款",
        "换货要多久能寄回来",
    ], [
        "Wrong size, can I exchange it for a bigger one?",
        "Wrong colour of {product} was sent, I'd like to exchange it",
        "Can I get a replacement instead of a refund?",
    ]),
    _si("after_sales.missing_item", "negative", [
        "少发了一件，订单{order}买了两个只收到一个",
        "赠品没有收到",
        "包裹里少了配件，充电线没有",
        "漏发了{product}，请补发",
    ], [
        "One item is missing, order {order} had two but I got one",
        "The free gift wasn't in the box",
        "An accessory is missing, no charging cable",
        "You forgot the {product}, please send it",
    ]),
    _si("after_sales.service_praise", "positive", [
        "客服很耐心，问题很快就解决了",
        "售后处理很及时，给你们点赞",
        "退换货很方便，上门取件省心",
        "小姐姐服务态度特别好",
    ], [
        "Customer service was patient and solved it quickly",
        "After-sales handled everything fast, thumbs up",
        "Returns were easy with home pickup",
        "The agent was really friendly and helpful",
    ]),
    # --------------------------------------------------------- product_quality
    _si("product_quality.defect", "negative", [
        "{product}用了{days}天就坏了，开不了机",
        "收到的{product}有质量问题，一通电就跳闸",
        "新买的{product}有异响，而且发烫",
        "{product}按键失灵，这质量也太差了",
        "才用一次就漏水了，{product}做工太差",
        "{product}加热不均匀，还有焦味",
    ], [
        "The {product} broke after {days} days and won't turn on",
        "My new {product} trips the breaker as soon as I plug it in",
        "{product} makes a strange noise and gets very hot",
        "Buttons on the {product} stopped working, terrible quality",
        "It started leaking after one use, poor build quality",
    ]),
    _si("product_quality.freshness", "negative", [
        "{product}收到就不新鲜了，有点发臭",
        "水果一半是烂的",
        "牛奶胀包了，是不是坏了",
        "海鲜到的时候已经死了",
        "面包发霉了，生产日期是{date}",
    ], [
        "The {product} wasn't fresh when it arrived, it smells off",
        "Half of the fruit was rotten",
        "The milk carton is swollen, has it gone bad?",
        "The bread was mouldy on arrival",
    ]),
    _si("product_quality.not_as_described", "negative", [
        "实物和图片差别太大了",
        "{product}跟详情页写的不一样，容量小很多",
        "颜色有色差，和宣传的不符",
        "说是纯棉的结果摸着像化纤",
        "重量明显不够，说好的一斤只有八两",
    ], [
        "The real thing looks nothing like the pictures",
        "{product} is not what the product page described, much smaller",
        "The colour is different from the photos",
        "It says pure cotton but feels synthetic",
    ]),
    _si("product_quality.praise", "positive", [
        "{product}质量很好，做工精致",
        "很好用，已经推荐给朋友了",
        "东西不错，和描述一致，会回购",
        "味道很棒，家里人都喜欢",
        "{product}超出预期，五星好评",
        "品质稳定，一直在你们家买",
    ], [
        "The {product} is great quality, nicely made",
        "Works really well, already recommended it to friends",
        "Exactly as described, will buy again",
        "Tastes great, the whole family loves it",
        "{product} exceeded my expectations, five stars",
    ]),
    _si("product_quality.average", "neutral", [
        "一般般吧，对得起这个价格",
        "{product}还行，没有想象中那么好",
        "中规中矩，凑合用",
        "东西可以，就是包装简陋了点",
        "用着还可以，再观察一下",
    ], [
        "It's okay, fair for the price",
        "The {product} is fine, not as good as I hoped",
        "Average, does the job",
        "Decent, packaging could be better",
    ]),
    _si("product_quality.food_safety", "negative", [
        "{product}里面吃出了异物，太恶心了",
        "吃了你们的{product}拉肚子，要求给个说法",
        "包装里有虫子，食品安全怎么保证",
        "{product}里有头发，已经拍照留证",
    ], [
        "Found a foreign object in the {product}, disgusting",
        "Got sick after eating your {product}, I want an explanation",
        "There was a bug inside the package, how is this food safe?",
        "Found hair in the {product}, I have photos",
    ]),
    # ----------------------------------------------------------------- account
    _si("account.login_problem", "negative", [
        "登录不上，一直提示验证码错误",
        "app闪退，登录不了账号",
        "收不到短信验证码",
        "账号被锁定了怎么解锁",
    ], [
        "I can't log in, it keeps saying the verification code is wrong",
        "The app crashes and I can't sign in",
        "I'm not receiving the SMS code",
        "My account got locked, how do I unlock it?",
    ]),
    _si("account.membership_points", "neutral", [
        "积分怎么兑换？快过期了",
        "会员等级怎么升级",
        "上次的积分没有到账",
        "{platform}会员和店铺会员通用吗",
    ], [
        "How do I redeem my points before they expire?",
        "How do I upgrade my membership level?",
        "Points from my last order never arrived",
        "Is the {platform} membership shared with the store membership?",
    ]),
    _si("account.change_phone", "neutral", [
        "手机号换了，怎么换绑",
        "原来的手机号不用了，收不到验证码怎么改",
        "想注销账号怎么操作",
        "能把两个账号合并吗",
    ], [
        "I changed my phone number, how do I update it?",
        "My old number is gone, how do I change it without the code?",
        "How do I delete my account?",
    ]),
    _si("account.security_alert", "negative", [
        "收到异地登录提醒，是不是被盗号了",
        "账号里多了我没下过的订单",
        "有人冒充客服给我打电话要验证码",
        "我的收货地址被人改了",
    ], [
        "I got a login alert from another city, was my account hacked?",
        "There are orders in my account that I never placed",
        "Someone pretending to be customer service asked for my code",
    ]),
    # ------------------------------------------------------------------- other
    _si("other.greeting_chitchat", "neutral", [
        "在吗",
        "你好",
        "有人吗",
        "客服在不在",
        "哈喽",
        "早上好",
    ], [
        "hello",
        "hi there",
        "anyone there?",
        "hey",
        "good morning",
    ]),
    _si("other.request_human", "neutral", [
        "转人工",
        "我要人工客服",
        "机器人听不懂，找真人",
        "别自动回复了，转人工服务",
    ], [
        "human agent please",
        "talk to a real person",
        "the bot doesn't understand, transfer me",
    ]),
    _si("other.thanks", "positive", [
        "好的谢谢",
        "明白了，辛苦了",
        "谢谢你，解决了",
        "好的，麻烦了",
    ], [
        "ok thanks",
        "got it, thank you",
        "great, that solved it",
    ]),
    _si("other.off_topic", "neutral", [
        "今天天气真好，想出去玩",
        "你们是机器人还是真人",
        "周末有什么好吃的推荐吗",
        "哈哈哈哈你好可爱",
        "随便问问",
    ], [
        "nice weather today",
        "are you a robot or a human?",
        "just browsing, nothing really",
        "lol you are cute",
    ]),
    _si("other.suggestion", "neutral", [
        "建议app加个按价格排序的功能",
        "希望多搞点会员活动",
        "能不能增加夜间配送",
        "包装可以更环保一点",
        "希望{region}也能次日达",
    ], [
        "Suggestion: let me sort by price in the app",
        "Would love more member events",
        "Please add evening delivery slots",
        "Packaging could be more eco-friendly",
    ]),
    _si("other.brand_love", "positive", [
        "一直很喜欢这个牌子，支持",
        "你们家东西越来越好了",
        "老粉了，每次活动都来",
        "推荐大家试试，真心不错",
    ], [
        "Love this brand, always buying from them",
        "Your products keep getting better",
        "Long time fan, never miss a sale",
    ]),
)

SUB_INTENT_BY_CODE: dict[str, SubIntent] = {s.code: s for s in SUB_INTENTS}

# Extra clauses appended to complaints to vary length and add detail.
ZH_DETAILS_NEGATIVE = (
    "已经等了好久", "这是第二次了", "太失望了", "希望尽快处理", "不然我要投诉了", "请给个说法",
    "真的很影响心情", "之前买都没问题", "希望给个解决方案", "不想再折腾了",
)
EN_DETAILS_NEGATIVE = (
    "this is the second time", "really disappointed", "please fix it asap", "or I'll file a complaint",
    "never had this problem before", "I need a solution", "so frustrating",
)
ZH_DETAILS_NEUTRAL = ("麻烦看一下", "谢谢", "等你回复", "急着用", "想确认一下", "辛苦了")
EN_DETAILS_NEUTRAL = ("thanks", "please check", "just want to confirm", "waiting for your reply")
ZH_DETAILS_POSITIVE = ("会回购的", "推荐", "下次还来", "很满意", "好评")
EN_DETAILS_POSITIVE = ("will buy again", "recommended", "very happy", "thumbs up")

ZH_OPENERS = ("", "", "", "亲，", "你好，", "您好，", "在吗？", "客服，", "请问", "那个，", "嗯，")
EN_OPENERS = ("", "", "", "hi, ", "hello, ", "hey ", "excuse me, ", "um, ")
ZH_POST_OPENERS = ("", "", "说实话，", "总的来说，", "第一次买，", "回购了，", "给家里买的，", "先说结论：")
EN_POST_OPENERS = ("", "", "honestly, ", "overall ", "first time buying: ", "bought this again, ")
ZH_FILLERS = ("就是", "那个", "其实", "反正", "说实话")
EMOJI = {
    "positive": ("👍", "😊", "❤️", "🎉", "😄"),
    "neutral": ("🙏", "🤔", "😅"),
    "negative": ("😡", "😭", "💢", "😤", "🙄"),
}
ZH_TYPOS = {"的": "得", "在": "再", "吗": "嘛", "已经": "以经", "收到": "收倒", "怎么": "咋么", "东西": "东东"}
# Words swapped into Chinese sentences to make code-mixed ("mixed") texts.
CODE_SWITCH = {
    "退款": "refund", "订单": "order", "优惠券": "coupon", "快递": "快递 delivery", "客服": "CS",
    "物流": "logistics", "付款": "pay", "质量": "quality", "发票": "invoice", "活动": "campaign",
    "会员": "VIP", "积分": "points", "退货": "return", "账号": "account", "好评": "好评 good review",
}
CHITCHAT_SOCIAL_ZH = (
    "今天又剁手了", "双十一清空购物车中", "在{platform}逛了一晚上", "有没有姐妹一起拼单", "打工人的快乐就是收快递",
)
CHITCHAT_SOCIAL_EN = ("shopping spree again", "cart is full for the sale", "anyone else up late shopping?")

# Replies from the bot and human agents (not customer voice, but still text in the chats).
BOT_REPLIES = {
    "zh": {
        "default": ("您好，我是智能客服小鲜，请问有什么可以帮您？", "亲，请描述一下您遇到的问题哦~",
                    "小鲜正在为您查询，请稍等~"),
        "promotion": ("亲，活动规则请查看活动页面说明，优惠券需在有效期内使用哦。",
                      "满减和店铺券可以叠加，具体以结算页为准~"),
        "product_consultation": ("亲，商品规格和参数请查看详情页，如需更多帮助可以转人工。",
                                 "该商品目前库存有限，建议尽快下单哦~"),
        "payment": ("亲，支付失败可能是网络或银行原因，请稍后重试或更换支付方式。",
                    "如有重复扣款，系统会在1-3个工作日内自动退回。"),
        "logistics": ("亲，已为您查询物流，包裹正在运输中，请耐心等待~", "物流信息可能有延迟，请以快递公司为准。"),
        "after_sales": ("亲，可以在订单详情页申请退换货，审核通过后会有专人联系您。",
                        "退款将在商家确认收货后原路退回。"),
        "product_quality": ("非常抱歉给您带来不好的体验，请上传照片，我们会尽快核实处理。",),
        "account": ("亲，账号问题请在“我的-设置-账号与安全”中处理，或联系人工客服。",),
        "other": ("好的亲，还有什么可以帮您的吗？", "小鲜一直都在哦~"),
        "transfer": ("正在为您转接人工客服，请稍候……",),
    },
    "en": {
        "default": ("Hi, I'm the FreshPick assistant. How can I help?", "Please describe your issue."),
        "promotion": ("Promotion rules are on the campaign page; coupons must be used before they expire.",),
        "product_consultation": ("Please check the product page for specs, or ask for a human agent.",),
        "payment": ("Payment failures are usually network or bank issues; please retry or use another method.",),
        "logistics": ("I checked your parcel: it's in transit. Thanks for your patience.",),
        "after_sales": ("You can request a return or exchange from the order page.",),
        "product_quality": ("Sorry about that! Please upload photos and we will look into it.",),
        "account": ("For account issues go to Me > Settings > Account & Security.",),
        "other": ("Anything else I can help with?",),
        "transfer": ("Transferring you to a human agent, please wait...",),
    },
}
AGENT_REPLIES = {
    "zh": ("您好，我是人工客服{agent}，已经看到您的问题了。", "非常抱歉给您添麻烦了，我这边马上帮您处理。",
           "已经为您登记，会在24小时内给您回复。", "已为您申请补偿{amount}元优惠券，请注意查收。",
           "我帮您联系了{carrier}，他们会优先派送。", "退款已经提交，预计1-3个工作日到账。"),
    "en": ("Hi, this is {agent} from customer service, I've read your message.",
           "So sorry for the trouble, I'm on it now.", "I've logged this and we'll reply within 24 hours.",
           "I've issued you a {amount} yuan coupon as compensation.", "Your refund was submitted, 1-3 working days."),
}

# ---------------------------------------------------------------- planted personal data
# A small share of texts end with personal data (include/demo/text.py, _plant_pii) so the
# warehouse's redaction can be tested end to end: mainland and international phones, e-mails,
# resident ID numbers, bank cards, addresses and names. Each suffix is "<cue><value>" at the
# very end of the text, so include.demo.text.planted_pii() reads the planted values back.
PII_SUFFIXES = {
    "zh": {"phone": "，我电话", "intl_phone": "，境外电话", "email": "，邮箱", "id_card": "，身份证号",
           "bank_card": "，退款卡号", "address": "，地址", "name": "，收件人"},
    "en": {"phone": " call me at ", "intl_phone": " call me at ", "email": " my email is ",
           "id_card": " my ID number is ", "bank_card": " refund to card ", "address": " ship to ",
           "name": " my name is "},
}
PII_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PII_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英华玉萍红建文辉"
PII_NAMES_EN = (("Emily", "Clark"), ("James", "Walker"), ("Olivia", "Moore"), ("Daniel", "Lewis"),
                ("Grace", "Taylor"), ("Kevin", "Martin"), ("Hannah", "Wilson"), ("Lucas", "Brown"))
# (province, city, district, region code of a resident ID issued there)
PII_PLACES = (("广东省", "广州市", "天河区", "440106"), ("浙江省", "杭州市", "西湖区", "330106"),
              ("四川省", "成都市", "武侯区", "510107"), ("江苏省", "南京市", "鼓楼区", "320106"),
              ("湖北省", "武汉市", "洪山区", "420111"), ("北京市", "", "海淀区", "110108"),
              ("上海市", "", "浦东新区", "310115"))
PII_STREETS = ("体育西路", "文三路", "人民南路", "中山北路", "珞喻路", "中关村大街", "张江路")
PII_STREETS_EN = ("Oak Street", "Maple Avenue", "Cedar Road", "Sunset Boulevard", "Park Lane")
PII_CITIES_EN = ("Springfield, IL 62704", "Austin, TX 78701", "Seattle, WA 98101")
PII_CARD_BINS = (("622202", 19), ("621700", 19), ("622848", 16), ("4", 16), ("51", 16))
PII_INTL_PHONES = ("+1 415-{a:03d}-{b:04d}", "+44 20 7{a:03d} {b:04d}", "+852 9{a:03d} {b:04d}",
                   "+65 9{a:03d} {b:04d}")
