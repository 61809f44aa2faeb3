// The example page's two clients, plain JavaScript (no build step).
"use strict";

const $ = (id) => document.getElementById(id);

function credentials() {
  return { username: $("username").value, password: $("password").value };
}

// The CSRF cookie Django set with the page (it is not HttpOnly, by design:
// the page must echo it in a header a cross-site form cannot send).
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function call(path, { method = "GET", body, headers = {}, cookies = false } = {}) {
  const init = {
    method,
    headers: { Accept: "application/json", ...headers },
    // Header mode never sends or stores cookies; cookie mode relies on them.
    credentials: cookies ? "same-origin" : "omit",
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  const text = await response.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  return { status: response.status, data };
}

function show(target, label, { status, data }) {
  const pre = $(target);
  pre.dataset.seq = String(Number(pre.dataset.seq) + 1);
  pre.dataset.status = String(status);
  pre.dataset.step = label;
  pre.className = status < 400 ? "ok" : "refused";
  pre.textContent = `${label}: HTTP ${status}\n${JSON.stringify(data, null, 2)}`;
}

// -- header mode: the tokens in memory ------------------------------------------------

const memory = { access: null, refresh: null };

function tail(token) {
  return token ? "…" + token.slice(-12) : "none";
}

function headerState() {
  $("header-state").textContent = memory.access
    ? `logged in (access ${tail(memory.access)}, refresh ${tail(memory.refresh)})`
    : "logged out";
}

$("header-login").onclick = async () => {
  const result = await call("/api/token/", { method: "POST", body: credentials() });
  if (result.status === 200) {
    memory.access = result.data.access;
    memory.refresh = result.data.refresh;
    result.data = { access: tail(memory.access), refresh: tail(memory.refresh) };
  }
  headerState();
  show("header-result", "log in", result);
};

$("header-api").onclick = async () => {
  const headers = memory.access ? { Authorization: `Bearer ${memory.access}` } : {};
  show("header-result", "GET /api/me/", await call("/api/me/", { headers }));
};

$("header-refresh").onclick = async () => {
  const result = await call("/api/token/refresh/", {
    method: "POST",
    body: { refresh: memory.refresh || "" },
  });
  if (result.status === 200) {
    memory.access = result.data.access;
    if (result.data.refresh) memory.refresh = result.data.refresh;
    result.data = { access: tail(memory.access), refresh: tail(memory.refresh) };
  }
  headerState();
  show("header-result", "refresh", result);
};

$("header-logout").onclick = async () => {
  const result = await call("/api/token/blacklist/", {
    method: "POST",
    body: { refresh: memory.refresh || "" },
  });
  if (result.status === 200) {
    memory.access = memory.refresh = null;
  }
  headerState();
  show("header-result", "log out", result);
};

// -- cookie mode: HttpOnly cookies, CSRF token on unsafe requests ---------------------

function cookiePost(path, body = {}, { csrf = true } = {}) {
  const headers = csrf ? { "X-CSRFToken": csrfToken() } : {};
  return call(path, { method: "POST", body, headers, cookies: true });
}

function showDocumentCookie() {
  $("document-cookie").textContent = JSON.stringify(document.cookie);
}

$("cookie-login").onclick = async () => {
  const result = await cookiePost("/api/cookie/token/", credentials());
  showDocumentCookie();
  show("cookie-result", "log in", result);
};

$("cookie-api").onclick = async () => {
  show("cookie-result", "GET /api/cookie/me/", await call("/api/cookie/me/", { cookies: true }));
};

$("cookie-refresh").onclick = async () => {
  const result = await cookiePost("/api/cookie/token/refresh/");
  showDocumentCookie();
  show("cookie-result", "refresh", result);
};

$("cookie-logout").onclick = async () => {
  const result = await cookiePost("/api/cookie/token/blacklist/");
  showDocumentCookie();
  show("cookie-result", "log out", result);
};

$("cookie-show").onclick = () => {
  showDocumentCookie();
  show("cookie-result", "document.cookie", { status: 200, data: document.cookie });
};

$("cookie-rename").onclick = async () => {
  const name = `Demo ${new Date().toISOString().slice(11, 19)}`;
  show("cookie-result", "POST /api/cookie/me/ with X-CSRFToken",
       await cookiePost("/api/cookie/me/", { name }));
};

$("cookie-nocsrf").onclick = async () => {
  show("cookie-result", "POST /api/cookie/me/ without X-CSRFToken",
       await cookiePost("/api/cookie/me/", { name: "no csrf" }, { csrf: false }));
};

headerState();
showDocumentCookie();
