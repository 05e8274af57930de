"""What the agent says while issuing documents (actions/document_*.py), with easy variants."""

from __future__ import annotations

from typing import Final

DOCUMENT_LINES: Final[dict[str, dict[str, str]]] = {
    "doc.ask.kind": {
        "ko": "어떤 서류가 필요하신가요? 아래에서 골라 주세요. 온라인 발급은 모두 무료이며, "
        "발급된 서류는 서울지갑(내 서류함)에 전자증명서로 담아 드립니다.",
        "en": "Which document do you need? Please choose below. Online issuance is free, and "
        "the document goes into your Seoul Wallet as a digital credential.",
    },
    "doc.ask.kind.easy": {
        "ko": "어떤 서류가 필요하세요? 버튼을 눌러 주세요.",
        "en": "Which document do you need? Tap a button.",
    },
    "doc.chosen": {
        "ko": "{document}을(를) 발급해 드리겠습니다. 발급 기관은 {authority}이며, 신청할 수 "
        "있는 분은 {requesters}입니다. 수수료는 없습니다.",
        "en": "I'll issue your {document}. It is issued by {authority}; who may ask: "
        "{requesters}. There is no fee.",
    },
    "doc.chosen.easy": {
        "ko": "{document}을(를) 발급해 드릴게요. 돈은 들지 않아요.",
        "en": "I'll issue your {document}. It is free.",
    },
    "doc.review": {
        "ko": "이 서류의 안내 내용 일부는 담당자가 확인 중입니다. 정확한 내용은 {source}에서 "
        "확인해 주세요.",
        "en": "Part of this document's details is still being checked by staff. Please "
        "confirm at {source}.",
    },
    "doc.review.easy": {
        "ko": "자세한 내용은 {source}에서 확인해 주세요.",
        "en": "Check the details at {source}.",
    },
    "doc.ask.name": {
        "ko": "먼저 본인 확인을 하겠습니다. 성함을 입력해 주세요.\n(데모: 가상 인물 김해치, "
        "생년월일 1990-01-01로 해 보실 수 있습니다.)",
        "en": "First, let me confirm who you are. Please type your name.\n(Demo: you can try "
        "the invented resident Kim Haechi, born 1990-01-01.)",
    },
    "doc.ask.name.easy": {
        "ko": "본인 확인이 필요해요. 이름을 써 주세요.",
        "en": "I need to check who you are. Type your name.",
    },
    "doc.ask.oidc": {
        "ko": "먼저 본인 확인을 하겠습니다. 아래 주소에서 서울시 통합 로그인으로 확인하신 뒤 "
        "'확인했어요'라고 말씀해 주세요.\n{link}",
        "en": "First, let me confirm who you are. Sign in with the city's login at this "
        "address, then say 'done'.\n{link}",
    },
    "doc.ask.oidc.easy": {
        "ko": "이 주소에서 로그인해 주세요. 끝나면 '확인했어요'라고 해 주세요.\n{link}",
        "en": "Sign in here, then say 'done'.\n{link}",
    },
    "doc.ask.birth": {
        "ko": "생년월일을 입력해 주세요. (예: 1990-01-01)",
        "en": "Please type your date of birth (for example 1990-01-01).",
    },
    "doc.ask.birth.easy": {
        "ko": "생년월일을 써 주세요. 예: 1990-01-01",
        "en": "Type your birth date, like 1990-01-01.",
    },
    "doc.retry.birth": {
        "ko": "생년월일을 알아보지 못했습니다. 1990-01-01처럼 입력해 주세요.",
        "en": "I couldn't read that date. Please type it like 1990-01-01.",
    },
    "doc.retry.birth.easy": {
        "ko": "날짜를 1990-01-01처럼 써 주세요.",
        "en": "Type the date like 1990-01-01.",
    },
    "doc.retry.name": {
        "ko": "성함을 글자로만 입력해 주세요.",
        "en": "Please type your name in letters only.",
    },
    "doc.retry.name.easy": {
        "ko": "이름을 글자로 써 주세요.",
        "en": "Type your name in letters.",
    },
    "doc.code.sent": {
        "ko": "본인 확인용 인증번호 6자리를 이 대화로 보내 드렸습니다. {minutes}분 안에 "
        "입력해 주세요.",
        "en": "I've sent a six-digit code to this conversation. Please type it within "
        "{minutes} minutes.",
    },
    "doc.code.sent.easy": {
        "ko": "인증번호 6자리를 보냈어요. 그 숫자를 써 주세요.",
        "en": "I sent a six-digit code. Type it here.",
    },
    "doc.code.demo": {
        "ko": "[데모] 인증번호: {code}\n실제 서비스에서는 본인 명의 휴대전화로 보내 드립니다.",
        "en": "[Demo] Your code: {code}\nIn the real service it goes to your own phone.",
    },
    "doc.code.demo.easy": {
        "ko": "[데모] 인증번호: {code}",
        "en": "[Demo] Your code: {code}",
    },
    "doc.code.wrong": {
        "ko": "인증번호가 맞지 않습니다. {left}번 더 입력하실 수 있습니다.",
        "en": "That code is not right. You have {left} more tries.",
    },
    "doc.code.wrong.easy": {
        "ko": "번호가 틀렸어요. {left}번 더 할 수 있어요.",
        "en": "Wrong code. {left} more tries.",
    },
    "doc.code.expired": {
        "ko": "인증번호의 유효시간이 지났습니다. 본인 확인을 처음부터 다시 하겠습니다. "
        "성함을 입력해 주세요.",
        "en": "The code has expired. Let's start the check again: please type your name.",
    },
    "doc.code.expired.easy": {
        "ko": "시간이 지났어요. 이름을 다시 써 주세요.",
        "en": "Time ran out. Type your name again.",
    },
    "doc.identity.not_found": {
        "ko": "입력하신 성함과 생년월일로 확인되는 분이 없습니다. 성함을 다시 입력해 주세요.",
        "en": "I couldn't find anyone with that name and date of birth. Please type your "
        "name again.",
    },
    "doc.identity.not_found.easy": {
        "ko": "찾지 못했어요. 이름을 다시 써 주세요.",
        "en": "Not found. Type your name again.",
    },
    "doc.identity.locked": {
        "ko": "인증번호를 여러 번 잘못 입력하셔서 보안을 위해 본인 확인을 잠시 멈췄습니다. "
        "{minutes}분 뒤에 다시 시도해 주시거나 120으로 전화해 주세요.",
        "en": "The code was entered wrongly too many times, so identity checks are paused for "
        "your safety. Please try again in {minutes} minutes or call 120.",
    },
    "doc.identity.locked.easy": {
        "ko": "여러 번 틀려서 잠시 멈췄어요. {minutes}분 뒤에 해 주세요.",
        "en": "Too many wrong tries. Try again in {minutes} minutes.",
    },
    "doc.identity.done": {
        "ko": "{name}님, 본인 확인이 끝났습니다.",
        "en": "Thank you, {name}. You're verified.",
    },
    "doc.identity.done.easy": {
        "ko": "{name}님, 확인됐어요.",
        "en": "{name}, you're verified.",
    },
    "doc.ask.option": {
        "ko": "{option}은(는) 어떻게 할까요?",
        "en": "{option}: which would you like?",
    },
    "doc.ask.option.easy": {
        "ko": "{option}: 골라 주세요.",
        "en": "{option}: pick one.",
    },
    "doc.ask.purpose": {
        "ko": "어디에 내실 서류인가요? 용도를 골라 주세요.",
        "en": "Where will you hand it in? Please choose the purpose.",
    },
    "doc.ask.purpose.easy": {
        "ko": "어디에 낼 서류예요?",
        "en": "Where will you use it?",
    },
    "doc.retry.choice": {
        "ko": "아래 버튼에서 골라 주세요. 그만하시려면 '그만'이라고 해 주세요.",
        "en": "Please choose one of the buttons below, or say 'cancel' to stop.",
    },
    "doc.retry.choice.easy": {
        "ko": "버튼을 눌러 주세요.",
        "en": "Tap a button.",
    },
    "doc.summary": {
        "ko": "신청 내용을 확인해 주세요.\n{details}\n이대로 발급할까요?",
        "en": "Please check your request.\n{details}\nShall I issue it?",
    },
    "doc.summary.easy": {
        "ko": "{details}\n이대로 발급할까요?",
        "en": "{details}\nIssue it now?",
    },
    "doc.ask.change": {
        "ko": "무엇을 바꾸시겠어요?",
        "en": "What would you like to change?",
    },
    "doc.ask.change.easy": {
        "ko": "무엇을 바꿀까요?",
        "en": "What to change?",
    },
    "doc.switched": {
        "ko": "{document}(으)로 바꿔서 진행하겠습니다.",
        "en": "Switching to the {document}.",
    },
    "doc.switched.easy": {
        "ko": "{document}(으)로 바꿀게요.",
        "en": "Switching to the {document}.",
    },
    "doc.issued": {
        "ko": "{document}을(를) 발급해 서울지갑(내 서류함)에 넣어 드렸습니다. 유효기간은 "
        "{valid_until}까지입니다. 제출하실 곳에 PDF를 내시면 QR 코드나 {verify_url} "
        "에서 진위를 확인할 수 있습니다. 언제든 '내 서류함 보여줘'라고 말씀해 주세요.",
        "en": "Your {document} is issued and in your Seoul Wallet, valid until {valid_until}. "
        "Whoever receives the PDF can check it with the QR code or at {verify_url}. Say "
        "'show my wallet' any time.",
    },
    "doc.issued.easy": {
        "ko": "{document}을(를) 내 서류함에 넣었어요.",
        "en": "Your {document} is in your wallet.",
    },
    "doc.issued.again": {
        "ko": "이 신청은 이미 발급되었습니다. 같은 서류를 다시 보여 드립니다.",
        "en": "This request was already issued; here is the same document again.",
    },
    "doc.issued.again.easy": {
        "ko": "이미 발급했어요. 같은 서류예요.",
        "en": "Already issued. Here it is.",
    },
    "doc.refused.no_military_record": {
        "ko": "병무청에 병적 기록이 확인되지 않아 병적증명서를 발급할 수 없습니다. 병역 "
        "사항은 병무청에 문의해 주세요.",
        "en": "No military service record was found, so the record cannot be issued. Please "
        "ask the Military Manpower Administration.",
    },
    "doc.refused.no_military_record.easy": {
        "ko": "병적 기록이 없어서 발급할 수 없어요.",
        "en": "There is no military record to issue.",
    },
    "doc.refused.no_record": {
        "ko": "발급 기관에 해당 기록이 없어 이 서류를 발급할 수 없습니다.",
        "en": "The issuing agency holds no record for this document, so it cannot be issued.",
    },
    "doc.refused.no_record.easy": {
        "ko": "기록이 없어서 발급할 수 없어요.",
        "en": "There is no record to issue.",
    },
    "doc.refused.not_in_household": {
        "ko": "세대 구성 정보가 확인되지 않아 등본을 발급할 수 없습니다. 주민센터에 문의해 주세요.",
        "en": "Your household could not be confirmed, so the copy cannot be issued. Please ask "
        "your community service centre.",
    },
    "doc.refused.not_in_household.easy": {
        "ko": "세대 정보가 없어 발급할 수 없어요.",
        "en": "Your household was not found.",
    },
    "doc.identity.expired": {
        "ko": "본인 확인 후 시간이 오래 지나 다시 확인이 필요합니다. 처음부터 다시 신청해 주세요.",
        "en": "Your identity check has expired. Please start the request again.",
    },
    "doc.identity.expired.easy": {
        "ko": "확인 시간이 지났어요. 다시 신청해 주세요.",
        "en": "Your check expired. Please start again.",
    },
    "doc.unbound": {
        "ko": "이 대화에서는 서류를 발급해 서류함에 담을 수 없습니다. 해치 웹 채팅 화면, "
        "텔레그램, 또는 3D 서울의 120 상담 부스에서 신청해 주세요.",
        "en": "Documents can't be issued into a wallet from this conversation. Please use "
        "the Haechi web chat page, Telegram, or the 120 booth in 3D Seoul.",
    },
    "doc.unbound.easy": {
        "ko": "여기서는 발급할 수 없어요. 해치 웹 채팅에서 해 주세요.",
        "en": "I can't issue here. Please use the Haechi web chat.",
    },
    "doc.stopped": {
        "ko": "서류 발급 신청을 취소했습니다. 다른 도움이 필요하시면 말씀해 주세요.",
        "en": "I've cancelled the document request. Let me know if you need anything else.",
    },
    "doc.stopped.easy": {
        "ko": "신청을 취소했어요.",
        "en": "Request cancelled.",
    },
    "doc.failed": {
        "ko": "죄송합니다. 지금은 서류를 발급할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        "en": "Sorry, documents can't be issued right now. Please try again shortly.",
    },
    "doc.failed.easy": {
        "ko": "죄송해요. 지금은 발급이 안 돼요.",
        "en": "Sorry, issuing isn't working now.",
    },
    "doc.wallet.empty": {
        "ko": "서류함이 비어 있습니다. '등본 떼고 싶어요'처럼 말씀하시면 발급해 드립니다.",
        "en": "Your wallet is empty. Say something like 'I need a resident registration "
        "copy' and I'll issue it.",
    },
    "doc.wallet.empty.easy": {
        "ko": "서류함이 비어 있어요.",
        "en": "Your wallet is empty.",
    },
    "doc.wallet.list": {
        "ko": "서류함에 있는 서류입니다.\n{items}",
        "en": "Here is what's in your wallet.\n{items}",
    },
    "doc.wallet.list.easy": {
        "ko": "내 서류함이에요.\n{items}",
        "en": "Your wallet:\n{items}",
    },
    "doc.field.document": {"ko": "서류", "en": "Document"},
    "doc.field.purpose": {"ko": "용도", "en": "Purpose"},
    "doc.field.revoked": {"ko": "취소됨", "en": "revoked"},
    "doc.field.until": {"ko": "까지", "en": "until"},
    "button.doc.issue": {"ko": "발급하기", "en": "Issue it"},
    "button.doc.change": {"ko": "바꾸기", "en": "Change something"},
    "button.doc.stop": {"ko": "그만하기", "en": "Cancel"},
    "button.doc.defaults": {"ko": "기본값으로 할게요", "en": "Use the defaults"},
    "button.doc.wallet": {"ko": "내 서류함", "en": "My wallet"},
    "button.doc.change.kind": {"ko": "서류 종류", "en": "The document"},
    "button.doc.change.options": {"ko": "선택 사항", "en": "The options"},
    "button.doc.change.purpose": {"ko": "용도", "en": "The purpose"},
}
