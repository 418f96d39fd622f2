/** The login form shown when the API requires a token (server bound beyond loopback). */
import { login } from "./api.ts";
import { h } from "./dom.ts";

export function showLogin(root: HTMLElement, onSuccess: () => void): void {
  const input = h("input", {
    type: "password",
    id: "token",
    name: "token",
    autocomplete: "current-password",
    required: true,
    minlength: 16,
  });
  const error = h("p", { class: "form-error", role: "alert", id: "login-error" });
  const form = h(
    "form",
    { class: "login", id: "login-form" },
    h("h1", { text: "bedrock-ops" }),
    h("p", { text: "This dashboard is protected. Enter the token from the server's config (server.token)." }),
    h("label", { for: "token", text: "Token" }),
    input,
    h("button", { type: "submit", text: "Sign in" }),
    error,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    const result = await login(input.value).catch((err: Error) => ({
      ok: false as const,
      message: err.message,
    }));
    if (result.ok) {
      form.remove();
      onSuccess();
    } else {
      error.textContent = `Sign-in failed: ${result.message}`;
      input.focus();
    }
  });
  root.replaceChildren(form);
  input.focus();
}
