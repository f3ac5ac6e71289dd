// The dashboard: a header with the navigation, one page per client route, the signed-in user.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getSession, type Session } from "./api.ts";
import { Link, navigate, useLocation } from "./router.tsx";
import { T } from "./text.tsx";
import { Catalog } from "./pages/Catalog.tsx";
import { Check } from "./pages/Check.tsx";
import { Findings } from "./pages/Findings.tsx";
import { Host } from "./pages/Host.tsx";
import { Hosts } from "./pages/Hosts.tsx";
import { Posture } from "./pages/Posture.tsx";
import { Reports } from "./pages/Reports.tsx";
import { Screen } from "./pages/Screen.tsx";
import "./style.css";

const NAV = [
  ["/", "Posture"],
  ["/hosts", "Hosts"],
  ["/findings", "Findings"],
  ["/check", "Check"],
  ["/screen", "Screen"],
  ["/catalog", "Catalog"],
  ["/reports", "Reports"],
] as const;

function page(path: string) {
  const host = /^\/hosts\/([^/]+)$/.exec(path);
  if (host) return { title: "Host", node: <Host id={decodeURIComponent(host[1]!)} /> };
  const found = NAV.find(([p]) => p === path);
  switch (found?.[0]) {
    case "/": return { title: "Posture", node: <Posture /> };
    case "/hosts": return { title: "Hosts", node: <Hosts /> };
    case "/findings": return { title: "Findings", node: <Findings /> };
    case "/check": return { title: "Check", node: <Check /> };
    case "/screen": return { title: "Screen", node: <Screen /> };
    case "/catalog": return { title: "Catalog", node: <Catalog /> };
    case "/reports": return { title: "Reports", node: <Reports /> };
    default: return { title: "Not found", node: <><h1>Not found</h1><p>No page at this address. <Link href="/">Posture</Link></p></> };
  }
}

function App() {
  const { path } = useLocation();
  const [session, setSession] = useState<Session | null | undefined>();
  useEffect(() => {
    getSession().then(setSession, () => setSession(null));
  }, []);
  const { title, node } = page(path);
  useEffect(() => {
    document.title = `${title} · ictsguard`;
  }, [title]);
  const section = path.startsWith("/hosts") ? "/hosts" : path;
  return (
    <>
      <a class="skip" href="#main">Skip to the content</a>
      <header class="top">
        <span class="brand">ictsguard</span>
        <nav aria-label="Pages">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={section === href ? "page" : undefined}>{label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        {session?.user && (
          <div class="user">
            <span><T v={session.user.name ?? session.user.email ?? session.user.sub} /> ({session.role})</span>{" "}
            <button
              type="button"
              onClick={async () => {
                await fetch("/auth/logout", { method: "POST", credentials: "same-origin", headers: { "x-csrf-token": session.csrfToken ?? "" } });
                navigate("/");
                location.reload();
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {node}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
