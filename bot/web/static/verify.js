// The public verification page: paste a credential (or a presentation), upload the PDF, or
// arrive from the PDF's QR code (/verify?id=…). Everything goes to POST /api/v1/credentials/verify;
// the page shows only the checks, never the document's personal data.
"use strict";

const TEXT = {
  ko: {
    title: "전자증명서 진위 확인",
    intro: "해치가 발급한 전자증명서가 진짜인지, 바뀌지 않았는지, 기간 안이고 취소되지 않았는지 확인합니다. 증명서의 개인정보는 화면에 보여 드리지 않습니다.",
    pasteTitle: "증명서 붙여 넣기", pasteLabel: "전자증명서(vc+jwt) 또는 제출용 데이터(vp+jwt)",
    challenge: "요청한 challenge", domain: "요청한 domain", check: "확인하기",
    pdfTitle: "PDF 올리기", pdfLabel: "발급받은 PDF 파일",
    qrTitle: "QR 코드 찍기", qrText: "휴대전화 카메라로 PDF의 QR 코드를 찍으면 이 화면이 열리고 바로 확인합니다.",
    scan: "카메라로 찍기", noCamera: "이 브라우저에서는 카메라로 QR 코드를 읽을 수 없습니다. 휴대전화 카메라 앱으로 찍어 주세요.",
    verified: "진본입니다", notVerified: "확인되지 않았습니다",
    verifiedText: "발급기관의 서명이 맞고, 내용이 바뀌지 않았으며, 유효기간 안이고 취소되지 않았습니다.",
    notVerifiedText: "아래에서 통과하지 못한 항목을 확인해 주세요.",
    checking: "확인하는 중입니다…", empty: "확인할 증명서를 붙여 넣어 주세요.", error: "확인하지 못했습니다: ",
    names: { format: "형식", issuer: "발급기관", signature: "서명", validity: "유효기간", status: "취소 여부",
      pdf_digest: "PDF 원본 일치", presentation_format: "제출 형식", presentation_signature: "제출자 서명",
      presentation_validity: "제출 유효시간", challenge: "요청값(challenge)", domain: "요청처(domain)", holder: "소지자" },
  },
  en: {
    title: "Check a digital certificate",
    intro: "Checks that a certificate issued by Haechi is genuine, unchanged, in date and not revoked. The certificate's personal data is never shown here.",
    pasteTitle: "Paste a credential", pasteLabel: "Credential (vc+jwt) or presentation (vp+jwt)",
    challenge: "Your challenge", domain: "Your domain", check: "Check",
    pdfTitle: "Upload the PDF", pdfLabel: "The issued PDF file",
    qrTitle: "Scan the QR code", qrText: "Scan the PDF's QR code with a phone camera: this page opens and checks it at once.",
    scan: "Scan with the camera", noCamera: "This browser cannot read QR codes from the camera. Use your phone's camera app.",
    verified: "Genuine", notVerified: "Not verified",
    verifiedText: "The issuer's signature matches, nothing was changed, it is in date and not revoked.",
    notVerifiedText: "See which checks failed below.",
    checking: "Checking…", empty: "Paste a credential to check.", error: "Could not check: ",
    names: { format: "Format", issuer: "Issuer", signature: "Signature", validity: "Validity dates", status: "Revocation",
      pdf_digest: "PDF unchanged", presentation_format: "Presentation format", presentation_signature: "Holder's signature",
      presentation_validity: "Presentation lifetime", challenge: "Challenge", domain: "Domain", holder: "Holder" },
  },
};

let language = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "ko";
const $ = (id) => document.getElementById(id);

function applyLanguage() {
  document.documentElement.lang = language;
  document.querySelectorAll("[data-i18n]").forEach((node) => {
    node.textContent = TEXT[language][node.dataset.i18n];
  });
  document.querySelectorAll("[data-lang]").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.lang === language));
  });
}

function show(result) {
  const t = TEXT[language];
  const box = $("result");
  box.hidden = false;
  box.dataset.verified = String(result.verified);
  $("result-title").textContent = result.verified ? t.verified : t.notVerified;
  $("result-summary").textContent = result.verified ? t.verifiedText : t.notVerifiedText;
  const list = $("checks");
  list.replaceChildren();
  for (const check of result.checks) {
    const item = document.createElement("li");
    item.dataset.ok = String(check.ok);
    item.dataset.check = check.name;
    item.textContent = `${t.names[check.name] || check.name}: ${check.reason}`;
    list.append(item);
  }
  box.focus?.();
}

async function verify(body) {
  const t = TEXT[language];
  $("result").hidden = false;
  $("result-title").textContent = t.checking;
  $("result-summary").textContent = "";
  $("checks").replaceChildren();
  try {
    const response = await fetch("/api/v1/credentials/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.detail || response.status);
    show(data);
  } catch (error) {
    $("result-title").textContent = t.notVerified;
    $("result-summary").textContent = t.error + error.message;
    $("result").dataset.verified = "false";
  }
}

function pastedIsPresentation(text) {
  try {
    const header = JSON.parse(atob(text.split(".")[0].replace(/-/g, "+").replace(/_/g, "/")));
    return header.typ === "vp+jwt";
  } catch {
    return false;
  }
}

function onPaste() {
  const text = $("credential").value.trim();
  $("presentation-fields").hidden = !pastedIsPresentation(text);
}

function checkPasted() {
  const text = $("credential").value.trim();
  if (!text) {
    $("result").hidden = false;
    $("result-title").textContent = TEXT[language].empty;
    return;
  }
  if (pastedIsPresentation(text)) {
    verify({ presentation: text, challenge: $("challenge").value.trim(), domain: $("domain").value.trim() });
  } else {
    verify({ credential: text });
  }
}

function uploadPdf() {
  const file = $("pdf").files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => verify({ pdf: String(reader.result).split(",")[1] });
  reader.readAsDataURL(file);
}

async function scan() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    $("result").hidden = false;
    $("result-title").textContent = TEXT[language].noCamera;
    return;
  }
  const video = $("camera");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  const tick = async () => {
    const codes = await detector.detect(video).catch(() => []);
    const found = codes.map((code) => code.rawValue).find((value) => value.includes("/verify?id="));
    if (found) {
      stream.getTracks().forEach((track) => track.stop());
      video.hidden = true;
      verify({ credential_id: new URL(found).searchParams.get("id") });
    } else {
      requestAnimationFrame(tick);
    }
  };
  tick();
}

document.addEventListener("DOMContentLoaded", () => {
  applyLanguage();
  $("result").tabIndex = -1;
  document.querySelectorAll("[data-lang]").forEach((button) => {
    button.addEventListener("click", () => { language = button.dataset.lang; applyLanguage(); });
  });
  $("credential").addEventListener("input", onPaste);
  $("check-pasted").addEventListener("click", checkPasted);
  $("pdf").addEventListener("change", uploadPdf);
  $("scan").addEventListener("click", scan);
  const id = new URLSearchParams(location.search).get("id");
  if (id) verify({ credential_id: id });
});
