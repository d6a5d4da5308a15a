// Citizens' home page: the four services and, signed out, the Taxisnet sign-in call to action.
import { t, onLangChange } from "/shared/i18n.js";
import { citizenLoginUrl, mountLayout } from "/shared/layout.js";

const me = await mountLayout({ audience: "citizen", active: "home" });

function render() {
  if (me) {
    const name = [me.first_name, me.last_name].filter(Boolean).join(" ");
    document.getElementById("welcome-title").textContent = t("common.home_welcome", { name });
    document.getElementById("welcome").hidden = false;
  } else {
    document.getElementById("signin-cta-link").href = citizenLoginUrl("/");
    document.getElementById("signin-cta").hidden = false;
  }
}

render();
onLangChange(render);
