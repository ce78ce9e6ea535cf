"""ConsoleProblems excuses a Wagtail autosave's refusal (400) and nothing else: no browser needed."""

from types import SimpleNamespace

from .conftest import ConsoleProblems

SERVER = "http://localhost:8081"
CREATE = f"{SERVER}/admin/pages/add/procurement/noticepage/96/"
EDIT = f"{SERVER}/admin/pages/121/edit/"
BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


class FakePage:
    def __init__(self):
        self.handlers = {}

    def on(self, event, handler):
        self.handlers[event] = handler

    def answer(self, method, url, status, accept="application/json"):
        request = SimpleNamespace(method=method, url=url, headers={"accept": accept})
        self.handlers["response"](SimpleNamespace(status=status, url=url, request=request))

    def log(self, text, url=""):
        self.handlers["console"](SimpleNamespace(type="error", text=text, location={"url": url}))


def watched():
    page = FakePage()
    return page, ConsoleProblems().watch(page)


def test_the_console_line_of_each_refused_autosave_is_excused():
    page, problems = watched()
    page.answer("POST", CREATE, 400)
    page.log(BAD_REQUEST, CREATE)
    page.answer("POST", EDIT, 400)
    page.log(BAD_REQUEST, EDIT)
    page.answer("POST", EDIT, 200)
    assert len(problems) == 2
    assert problems.less_wagtail_autosave_refusals() == []


def test_every_other_problem_stays():
    page, problems = watched()
    page.answer("POST", CREATE, 400)
    page.log(BAD_REQUEST, CREATE)
    page.log(BAD_REQUEST, CREATE)  # one line more than refused autosaves
    page.log(BAD_REQUEST, f"{SERVER}/avis/cpv/?q=vitres")  # a 400 line naming another URL
    page.log("Refused to execute inline script because it violates the following Content Security Policy")
    page.handlers["pageerror"](ValueError("boom"))
    assert problems.less_wagtail_autosave_refusals() == [
        f"console: {BAD_REQUEST}",
        f"console: {BAD_REQUEST}",
        "console: Refused to execute inline script because it violates the following Content Security Policy",
        "page error: boom",
    ]


def test_nothing_is_excused_once_a_400_answered_something_else():
    for method, url, accept in [
        ("POST", CREATE, "text/html,application/xhtml+xml"),  # the form's own submission
        ("GET", CREATE, "application/json"),
        ("POST", f"{SERVER}/admin/pages/121/preview/", "application/json"),  # the live preview
        ("GET", f"{SERVER}/avis/cpv/?q=vitres", "*/*"),
    ]:
        page, problems = watched()
        page.answer("POST", CREATE, 400)
        page.log(BAD_REQUEST, CREATE)
        page.answer(method, url, 400, accept)
        page.log(BAD_REQUEST, url)
        assert problems.less_wagtail_autosave_refusals() == [f"console: {BAD_REQUEST}"] * 2, (method, url)
