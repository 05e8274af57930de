"""What the tax calculators say (Tax Square), per language, with easy-mode versions.

Merged into actions/texts.py's catalog, so `line("tax.ask.vehicle_type", "en")` works like any
other line. Questions ask one thing and say where to find the answer.
"""

from __future__ import annotations

from typing import Final

Lines = dict[str, str]

ETAX_URL: Final = "https://etax.seoul.go.kr"
WETAX_URL: Final = "https://www.wetax.go.kr"

TAX_LINES: Final[dict[str, Lines]] = {
    # Starting each calculator.
    "tax.start.vehicle": {
        "ko": "자동차세를 계산해 드리겠습니다. 몇 가지를 하나씩 여쭤보겠습니다.",
        "en": "I'll work out your vehicle tax. I'll ask a few things, one at a time.",
    },
    "tax.start.property": {
        "ko": "주택 재산세를 계산해 드리겠습니다. 몇 가지를 하나씩 여쭤보겠습니다.",
        "en": "I'll work out the property tax on your home. I'll ask a few things, one at a time.",
    },
    "tax.start.acquisition": {
        "ko": "주택을 사실 때 내는 취득세를 계산해 드리겠습니다. 몇 가지를 하나씩 여쭤보겠습니다.",
        "en": "I'll work out the acquisition tax on buying a home. I'll ask a few things, one "
        "at a time.",
    },
    "tax.start.vehicle.easy": {
        "ko": "자동차세를 계산할게요.",
        "en": "Let's work out your car tax.",
    },
    "tax.start.property.easy": {"ko": "재산세를 계산할게요.", "en": "Let's work out property tax."},
    "tax.start.acquisition.easy": {
        "ko": "취득세를 계산할게요.",
        "en": "Let's work out the tax on buying a home.",
    },
    # 자동차세 questions.
    "tax.ask.vehicle_type": {
        "ko": "어떤 차인가요? 휘발유·경유·LPG·하이브리드 승용차인지, 전기차·수소차인지 골라 "
        "주세요.",
        "en": "What kind of car is it: a passenger car with an engine (petrol, diesel, LPG, "
        "hybrid), or an electric or hydrogen car?",
    },
    "tax.ask.vehicle_type.easy": {"ko": "어떤 차인가요?", "en": "What kind of car?"},
    "tax.ask.vehicle_business_use": {
        "ko": "개인이 타는 비영업용(자가용)인가요, 택시·렌터카 같은 영업용인가요?",
        "en": "Is it for private use, or for business such as a taxi or a rental car?",
    },
    "tax.ask.vehicle_business_use.easy": {
        "ko": "자가용인가요, 영업용인가요?",
        "en": "Private car or business car?",
    },
    "tax.ask.vehicle_displacement_cc": {
        "ko": "배기량은 몇 cc인가요? 자동차등록증에 적혀 있습니다. (예: 1,998cc, 2천cc)",
        "en": "What is the engine size in cc? It is on the car's registration certificate "
        "(for example 1,998cc).",
    },
    "tax.ask.vehicle_displacement_cc.easy": {
        "ko": "배기량은 몇 cc인가요? (예: 1,998cc)",
        "en": "Engine size in cc? (e.g. 1,998cc)",
    },
    "tax.ask.vehicle_first_registered": {
        "ko": "처음 등록한 때는 언제인가요? 연도와 월이면 됩니다. (예: 2019년 3월, 작년 3월) "
        "비영업용 승용차는 차령 3년째부터 세금이 줄어듭니다.",
        "en": "When was the car first registered? Year and month are enough (for example "
        "March 2019 or 2019-03). For a private car the tax goes down from its third year.",
    },
    "tax.ask.vehicle_first_registered.easy": {
        "ko": "처음 등록한 때는 언제인가요? (예: 2019년 3월)",
        "en": "When was it first registered? (e.g. March 2019)",
    },
    "tax.ask.vehicle_annual_payment": {
        "ko": "1년치를 미리 한 번에 내는 연납을 하실 건가요? 하신다면 내실 달을 골라 주세요. "
        "(1월·3월·6월·9월)",
        "en": "Will you pay the whole year in advance (annual payment)? If so, pick the month: "
        "January, March, June or September.",
    },
    "tax.ask.vehicle_annual_payment.easy": {
        "ko": "연납을 하시나요?",
        "en": "Will you pay the year in advance?",
    },
    # 재산세 questions.
    "tax.ask.property_published_price": {
        "ko": "주택의 공시가격은 얼마인가요? 부동산 공시가격 알리미(www.realtyprice.kr)에서 "
        "확인하실 수 있습니다. (예: 5억 3천만원)",
        "en": "What is the home's official published price (공시가격)? You can look it up at "
        "www.realtyprice.kr (for example 530 million won).",
    },
    "tax.ask.property_published_price.easy": {
        "ko": "공시가격은 얼마인가요? (예: 5억 3천만원)",
        "en": "Published price? (e.g. 530 million won)",
    },
    "tax.ask.property_one_house": {
        "ko": "1세대 1주택인가요? 세대원 모두 합쳐 이 집 한 채만 가지고 계시면 '네'를 골라 주세요.",
        "en": "Is this the only home your household owns (one household, one home)?",
    },
    "tax.ask.property_one_house.easy": {
        "ko": "이 집 한 채만 가지고 계신가요?",
        "en": "Is this your only home?",
    },
    "tax.ask.property_prior_price": {
        "ko": "작년 공시가격도 아시나요? 알려 주시면 과세표준 상한을 반영합니다. 모르시면 "
        "'모르겠어요'를 눌러 주세요.",
        "en": "Do you know last year's published price? With it I can apply the cap on the "
        "taxable base. If not, tap “I don't know”.",
    },
    "tax.ask.property_prior_price.easy": {
        "ko": "작년 공시가격을 아시나요?",
        "en": "Do you know last year's price?",
    },
    "tax.ask.property_urban_area": {
        "ko": "도시지역 안에 있는 집인가요? 서울 시내 주택은 대부분 도시지역입니다. 잘 "
        "모르시면 '네'로 계산해 드리겠습니다.",
        "en": "Is the home inside an urban area (도시지역)? Almost all homes in Seoul are. If you "
        "are not sure, I'll assume yes.",
    },
    "tax.ask.property_urban_area.easy": {
        "ko": "도시지역에 있는 집인가요? 모르시면 '네'를 누르세요.",
        "en": "Is it in an urban area? If unsure, tap Yes.",
    },
    # 취득세 questions.
    "tax.ask.acquisition_price": {
        "ko": "취득가액, 곧 실제 사시는 가격은 얼마인가요? (예: 8억 5천만원, 850,000,000원)",
        "en": "What is the purchase price? (for example 850,000,000 won or 850 million won)",
    },
    "tax.ask.acquisition_price.easy": {
        "ko": "집값은 얼마인가요? (예: 8억 5천만원)",
        "en": "Price of the home? (e.g. 850 million won)",
    },
    "tax.ask.acquisition_area_m2": {
        "ko": "전용면적은 몇 ㎡인가요? 분양계약서나 등기부에 있습니다. 85㎡ 이하이면 "
        "농어촌특별세가 없습니다. (예: 84.9㎡)",
        "en": "What is the exclusive floor area in square metres? It is on the contract or the "
        "register. At 85㎡ or less there is no rural special tax (for example 84.9㎡).",
    },
    "tax.ask.acquisition_area_m2.easy": {
        "ko": "전용면적은 몇 ㎡인가요? (예: 84.9㎡)",
        "en": "Floor area in ㎡? (e.g. 84.9)",
    },
    "tax.ask.acquisition_houses_after": {
        "ko": "이번에 사시는 집을 포함하면 세대가 가진 주택은 모두 몇 채가 되나요?",
        "en": "Counting the home you are buying, how many homes will your household own?",
    },
    "tax.ask.acquisition_houses_after.easy": {
        "ko": "이 집까지 합쳐 집이 몇 채인가요?",
        "en": "With this one, how many homes?",
    },
    "tax.ask.acquisition_adjusted_area": {
        "ko": "사시는 집이 조정대상지역에 있나요? 취득일 기준으로 판단하며, 국토교통부 고시나 "
        "구청 세무부서에서 확인하실 수 있습니다.",
        "en": "Is the home in an adjustment target area (조정대상지역)? It depends on the day "
        "you acquire it; the Ministry of Land's notice or the district tax office can tell you.",
    },
    "tax.ask.acquisition_adjusted_area.easy": {
        "ko": "조정대상지역에 있는 집인가요?",
        "en": "Is it in an adjustment target area?",
    },
    "tax.ask.acquisition_temporary_two_homes": {
        "ko": "일시적 2주택인가요? 이사 등으로 새 집을 사고, 정해진 기간 안에 살던 집을 파실 "
        "경우입니다.",
        "en": "Is this a temporary two-home case, where you buy the new home first and sell "
        "the old one within the allowed period?",
    },
    "tax.ask.acquisition_temporary_two_homes.easy": {
        "ko": "살던 집을 곧 파시나요? (일시적 2주택)",
        "en": "Will you sell your old home soon?",
    },
    "tax.ask.acquisition_first_home": {
        "ko": "생애 처음으로 주택을 사시는 건가요? 본인과 배우자 모두 주택을 가진 적이 없어야 "
        "합니다.",
        "en": "Is this the first home you have ever bought? Neither you nor your spouse may "
        "have owned a home before.",
    },
    "tax.ask.acquisition_first_home.easy": {
        "ko": "생애 처음 사는 집인가요?",
        "en": "Your first home ever?",
    },
    # Confirming before computing.
    "tax.confirm": {
        "ko": "{summary} — 맞나요? 맞으면 계산해 드리겠습니다.",
        "en": "{summary} — is that right? If so, I'll work it out.",
    },
    "tax.confirm.easy": {"ko": "{summary} — 맞나요?", "en": "{summary} — right?"},
    "tax.fix_which": {
        "ko": "어느 항목을 고칠까요? 아래에서 고르시거나 '배기량 1,600cc'처럼 바로 적어 주세요.",
        "en": "What should I change? Pick it below, or just type it, for example “1,600cc”.",
    },
    "tax.corrected": {
        "ko": "알겠습니다. 고쳐서 반영했습니다: {value}.",
        "en": "Got it, I've changed that: {value}.",
    },
    # Asking again.
    "tax.retry.vehicle_type": {
        "ko": "죄송합니다. 차종을 알아듣지 못했습니다. 아래 버튼에서 골라 주세요.",
        "en": "Sorry, I didn't catch the kind of car. Please pick one below.",
    },
    "tax.retry.vehicle_business_use": {
        "ko": "죄송합니다. 비영업용(자가용)인지 영업용인지 아래에서 골라 주세요.",
        "en": "Sorry, please pick private use or business use below.",
    },
    "tax.retry.vehicle_displacement_cc": {
        "ko": "죄송합니다. 배기량을 알아듣지 못했습니다. 숫자로 적어 주세요. (예: 1,998cc 또는 "
        "2천cc)",
        "en": "Sorry, I couldn't read an engine size. Please write it in cc, for example 1,998cc.",
    },
    "tax.retry.vehicle_first_registered": {
        "ko": "죄송합니다. 날짜를 알아듣지 못했습니다. 연도와 월을 함께 적어 주세요. (예: 2019년 "
        "3월) 모르시면 '모르겠어요'를 눌러 주세요.",
        "en": "Sorry, I couldn't read a date. Please give the year and month, for example "
        "March 2019, or tap “I don't know”.",
    },
    "tax.retry.date_future": {
        "ko": "등록일이 {year}년보다 뒤로 되어 있습니다. 처음 등록한 연도와 월을 다시 확인해 "
        "주세요.",
        "en": "That date is after {year}. Please check the year and month of first registration.",
    },
    "tax.retry.vehicle_annual_payment": {
        "ko": "죄송합니다. 연납 여부를 알아듣지 못했습니다. 아래에서 골라 주세요.",
        "en": "Sorry, I didn't catch that. Please pick an option below.",
    },
    "tax.retry.won": {
        "ko": "죄송합니다. 금액을 알아듣지 못했습니다. 원 단위로 적어 주세요. (예: 5억 3천만원, "
        "530,000,000원)",
        "en": "Sorry, I couldn't read an amount. Please write it in won, for example "
        "530,000,000 won or 530 million won.",
    },
    "tax.retry.area": {
        "ko": "죄송합니다. 면적을 알아듣지 못했습니다. 전용면적을 ㎡로 적어 주세요. (예: 84.9㎡)",
        "en": "Sorry, I couldn't read an area. Please write the floor area in ㎡, for example "
        "84.9.",
    },
    "tax.retry.count": {
        "ko": "죄송합니다. 주택 수를 알아듣지 못했습니다. 숫자로 적거나 아래에서 골라 주세요. "
        "(예: 2채)",
        "en": "Sorry, I didn't catch the number of homes. Please type a number or pick one below.",
    },
    "tax.retry.yes_no": {
        "ko": "죄송합니다. '네' 또는 '아니요'로 답해 주세요.",
        "en": "Sorry, please answer yes or no.",
    },
    "tax.stop_hint": {
        "ko": "계산을 그만하시려면 '그만'이라고 적어 주세요.",
        "en": "To stop the calculation, type “cancel”.",
    },
    "tax.stopped": {
        "ko": "알겠습니다. 세금 계산을 멈췄습니다. 다시 계산하고 싶으시면 언제든 말씀해 주세요.",
        "en": "All right, I've stopped the tax calculation. Just ask whenever you want to "
        "start again.",
    },
    "tax.stopped.easy": {"ko": "계산을 멈췄어요.", "en": "Stopped."},
    # Summary pieces.
    "tax.value.passenger": {"ko": "승용차", "en": "passenger car"},
    "tax.value.other_passenger": {
        "ko": "전기차 등 그 밖의 승용차",
        "en": "electric or other passenger car",
    },
    "tax.value.private": {"ko": "비영업용", "en": "private use"},
    "tax.value.business": {"ko": "영업용", "en": "business use"},
    "tax.value.displacement": {"ko": "배기량 {cc}cc", "en": "{cc}cc engine"},
    "tax.value.registered": {"ko": "{year}년 {month}월 등록", "en": "registered {month_en} {year}"},
    "tax.value.registered_unknown": {
        "ko": "등록일 모름(차령 경감 없이 계산)",
        "en": "registration date unknown (no age reduction)",
    },
    "tax.value.no_annual_payment": {"ko": "연납 안 함", "en": "no annual payment"},
    "tax.value.annual_payment": {"ko": "{month} 연납", "en": "annual payment in {month}"},
    "tax.value.published_price": {"ko": "공시가격 {amount}", "en": "published price {amount}"},
    "tax.value.one_house": {"ko": "1세대 1주택", "en": "only home of the household"},
    "tax.value.not_one_house": {"ko": "1세대 1주택 아님", "en": "not the only home"},
    "tax.value.prior_price": {
        "ko": "작년 공시가격 {amount}",
        "en": "last year's price {amount}",
    },
    "tax.value.prior_price_unknown": {
        "ko": "작년 공시가격 모름",
        "en": "last year's price unknown",
    },
    "tax.value.urban": {"ko": "도시지역", "en": "urban area"},
    "tax.value.not_urban": {"ko": "도시지역 아님", "en": "outside urban areas"},
    "tax.value.price": {"ko": "취득가액 {amount}", "en": "price {amount}"},
    "tax.value.area": {"ko": "전용면적 {area}㎡", "en": "{area}㎡ floor area"},
    "tax.value.houses": {"ko": "취득 후 {count}주택", "en": "{count} home(s) after buying"},
    "tax.value.adjusted": {"ko": "조정대상지역", "en": "adjustment target area"},
    "tax.value.not_adjusted": {"ko": "조정대상지역 아님", "en": "not an adjustment target area"},
    "tax.value.temporary": {"ko": "일시적 2주택", "en": "temporary two homes"},
    "tax.value.not_temporary": {"ko": "일시적 2주택 아님", "en": "not temporary two homes"},
    "tax.value.first_home": {"ko": "생애최초 구입", "en": "first home ever"},
    "tax.value.not_first_home": {"ko": "생애최초 아님", "en": "not a first home"},
    "tax.month.january": {"ko": "1월", "en": "January"},
    "tax.month.march": {"ko": "3월", "en": "March"},
    "tax.month.june": {"ko": "6월", "en": "June"},
    "tax.month.september": {"ko": "9월", "en": "September"},
    "tax.won": {"ko": "{amount}원", "en": "{amount} won"},
    # Buttons.
    "tax.button.passenger": {
        "ko": "승용차 (휘발유·경유·LPG·하이브리드)",
        "en": "Car with an engine",
    },
    "tax.button.electric": {"ko": "전기차·수소차", "en": "Electric or hydrogen"},
    "tax.button.private": {"ko": "비영업용 (자가용)", "en": "Private use"},
    "tax.button.business": {"ko": "영업용 (택시·렌터카 등)", "en": "Business (taxi, rental)"},
    "tax.button.no_annual_payment": {"ko": "연납 안 해요", "en": "No annual payment"},
    "tax.button.month.january": {"ko": "1월 연납", "en": "January"},
    "tax.button.month.march": {"ko": "3월 연납", "en": "March"},
    "tax.button.month.june": {"ko": "6월 연납", "en": "June"},
    "tax.button.month.september": {"ko": "9월 연납", "en": "September"},
    "tax.button.yes": {"ko": "네", "en": "Yes"},
    "tax.button.no": {"ko": "아니요", "en": "No"},
    "tax.button.unknown": {"ko": "모르겠어요", "en": "I don't know"},
    "tax.button.houses": {"ko": "{count}채", "en": "{count}"},
    "tax.button.houses_more": {"ko": "4채 이상", "en": "4 or more"},
    "tax.button.confirm": {"ko": "네, 계산해 주세요", "en": "Yes, work it out"},
    "tax.button.change": {"ko": "아니요, 고칠게요", "en": "No, change something"},
    "tax.button.stop": {"ko": "그만하기", "en": "Stop"},
    "tax.button.again": {"ko": "다시 계산하기", "en": "Calculate again"},
    "tax.field.vehicle_type": {"ko": "차종", "en": "Kind of car"},
    "tax.field.vehicle_business_use": {"ko": "영업용 여부", "en": "Private or business"},
    "tax.field.vehicle_displacement_cc": {"ko": "배기량", "en": "Engine size"},
    "tax.field.vehicle_first_registered": {"ko": "최초 등록일", "en": "First registration"},
    "tax.field.vehicle_annual_payment": {"ko": "연납", "en": "Annual payment"},
    "tax.field.property_published_price": {"ko": "공시가격", "en": "Published price"},
    "tax.field.property_one_house": {"ko": "1세대 1주택 여부", "en": "Only home or not"},
    "tax.field.property_prior_price": {"ko": "작년 공시가격", "en": "Last year's price"},
    "tax.field.property_urban_area": {"ko": "도시지역 여부", "en": "Urban area"},
    "tax.field.acquisition_price": {"ko": "취득가액", "en": "Price"},
    "tax.field.acquisition_area_m2": {"ko": "전용면적", "en": "Floor area"},
    "tax.field.acquisition_houses_after": {"ko": "주택 수", "en": "Number of homes"},
    "tax.field.acquisition_adjusted_area": {"ko": "조정대상지역 여부", "en": "Adjustment area"},
    "tax.field.acquisition_temporary_two_homes": {
        "ko": "일시적 2주택 여부",
        "en": "Temporary two homes",
    },
    "tax.field.acquisition_first_home": {"ko": "생애최초 여부", "en": "First home"},
    # Results.
    "tax.result.vehicle": {
        "ko": "{year}년 자동차세는 모두 {total}으로 예상됩니다. 자동차세 {tax}에 지방교육세 "
        "{education}을 더한 금액입니다. {schedule}",
        "en": "Your {year} vehicle tax comes to about {total} in all: vehicle tax {tax} plus "
        "local education tax {education}. {schedule}",
    },
    "tax.result.vehicle.easy": {
        "ko": "{year}년 자동차세는 약 {total}입니다. {schedule}",
        "en": "Your {year} car tax is about {total}. {schedule}",
    },
    "tax.schedule.vehicle_halves": {
        "ko": "6월(1~6월분)과 12월(7~12월분)에 나누어 내시게 됩니다.",
        "en": "It is billed in two halves, in June and in December.",
    },
    "tax.schedule.vehicle_june_whole": {
        "ko": "연세액이 10만원 이하라 6월에 1년 치가 한꺼번에 고지되며, 7~12월분에서 "
        "{deduction}을 빼 드립니다(지방세법 제128조제4항). 12월에는 고지서가 나오지 않습니다.",
        "en": "As the year's tax is 100,000 won or less, the whole year is billed in June, with "
        "{deduction} taken off the July–December half (Local Tax Act, Article 128(4)). There is "
        "no bill in December.",
    },
    "tax.note.vehicle_no_september": {
        "ko": "그래서 9월 연납은 따로 하실 필요가 없습니다.",
        "en": "So there is no September annual payment to make.",
    },
    "tax.schedule.vehicle_annual": {
        "ko": "{month}에 연납하시면 {deduction}을 덜 내십니다.",
        "en": "Paying the year in {month} saves you {deduction}.",
    },
    "tax.note.vehicle_age": {
        "ko": "차령에 따른 경감이 반영되어 있습니다.",
        "en": "The reduction for the car's age is included.",
    },
    "tax.result.property": {
        "ko": "{year}년 주택 재산세는 모두 {total}으로 예상됩니다. 재산세 {tax}, 도시지역분 "
        "{urban}, 지방교육세 {education}입니다. {schedule}",
        "en": "Your {year} property tax on the home comes to about {total} in all: property "
        "tax {tax}, urban-area tax {urban} and local education tax {education}. {schedule}",
    },
    "tax.result.property.easy": {
        "ko": "{year}년 재산세는 약 {total}입니다. {schedule}",
        "en": "Your {year} property tax is about {total}. {schedule}",
    },
    "tax.schedule.property_halves": {
        "ko": "7월에 {july}, 9월에 {september}을 내시게 됩니다.",
        "en": "You pay {july} in July and {september} in September.",
    },
    "tax.schedule.property_july": {
        "ko": "금액이 적어 7월에 한 번에 내시게 됩니다.",
        "en": "As the amount is small, it is all billed in July.",
    },
    "tax.note.property_special": {
        "ko": "1세대 1주택 특례세율이 적용되었습니다.",
        "en": "The lower rate for a household's only home applies.",
    },
    "tax.result.acquisition": {
        "ko": "취득세와 함께 내는 세금은 모두 {total}으로 예상됩니다. 취득세 {tax}(세율 "
        "{rate}), 지방교육세 {education}, 농어촌특별세 {rural}입니다. 취득일부터 60일 "
        "안에 신고하고 납부하셔야 합니다.",
        "en": "The taxes on this purchase come to about {total} in all: acquisition tax {tax} "
        "(rate {rate}), local education tax {education} and rural special tax {rural}. They "
        "must be reported and paid within 60 days of acquiring the home.",
    },
    "tax.result.acquisition.easy": {
        "ko": "취득세 등은 약 {total}입니다. 60일 안에 내셔야 해요.",
        "en": "The tax is about {total}. Pay it within 60 days.",
    },
    "tax.note.first_home": {
        "ko": "생애최초 주택 구입 감면 {relief}이 반영되어 있습니다.",
        "en": "The first-home relief of {relief} is included.",
    },
    "tax.estimate": {
        "ko": "알려 주신 내용으로 계산한 예상 금액이며, 실제 고지 금액은 감면이나 조례에 따라 "
        "다를 수 있습니다. 정확한 금액은 서울시 이택스(ETAX, {etax})나 위택스({wetax})에서 "
        "확인하고 납부하실 수 있습니다.",
        "en": "This is an estimate from what you told me; the bill may differ because of "
        "reliefs or local rules. Check the exact amount and pay on Seoul ETAX ({etax}) or "
        "Wetax ({wetax}).",
    },
    "tax.estimate.easy": {
        "ko": "예상 금액이에요. 정확한 금액은 이택스({etax})에서 확인하세요.",
        "en": "This is an estimate. Check it on ETAX ({etax}).",
    },
    "tax.card.vehicle": {"ko": "{year}년 자동차세 계산 내역", "en": "{year} vehicle tax breakdown"},
    "tax.card.property": {"ko": "{year}년 재산세 계산 내역", "en": "{year} property tax breakdown"},
    "tax.card.acquisition": {"ko": "취득세 계산 내역", "en": "Acquisition tax breakdown"},
    "tax.card.source": {
        "ko": "지방세법 등 관계 법령 (해치 세금 계산기, 예상 금액)",
        "en": "Korean local tax law (Haechi tax calculator, estimate)",
    },
    "tax.error": {
        "ko": "죄송합니다. 이 내용으로는 계산할 수 없습니다: {reason} 다시 계산하시려면 처음부터 "
        "말씀해 주세요.",
        "en": "Sorry, I can't calculate with these details: {reason}. To try again, just ask "
        "from the start.",
    },
}
