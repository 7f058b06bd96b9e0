"""The people of a deadline rush, for locust (``bench/rush.py`` runs it; not meant alone).

School users (a specialist at one primary or lower-secondary school) sign in, open their
figures entry page, save figures (with the versions the page gave them, as the browser does),
download the Excel template and upload it back filled in, and now and then sign out and in
again. Province users open the figures dashboard, the scorecard and the tracking dashboard.
Every user aims at one request per second (``constant_throughput``), so the rate is the number
of users; a 5xx is a failure, counted apart.

The users are ``FastHttpUser`` (geventhttpclient): locust shares the server's two cores, and
with ``requests`` it took ~4.7 ms of CPU per request, a tenth of the machine at 40 req/s and a
quarter of it at the goal. For the same reason the Excel template is filled on its XML
(``rush_workbook``, ~1 ms) rather than loaded and saved with openpyxl (~12 ms an upload).

The plan (who signs in where) comes from ``RUSH_PLAN``, a JSON file written by rush.py.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import Counter
from typing import Any

from locust import FastHttpUser, constant_throughput, events, task
from rush_figures import FIGURES
from rush_workbook import fill

PLAN: dict[str, Any] = json.loads(open(os.environ["RUSH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = PLAN["password"]
STATUS: Counter[str] = Counter()
_SCHOOLS = itertools.cycle(random.sample(PLAN["schools"], len(PLAN["schools"])))
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="v-([A-Z0-9_]+)" value="(\d*)"')


@events.request.add_listener
def _count(response: Any = None, exception: Any = None, **_kw: Any) -> None:
    code = getattr(response, "status_code", 0) or 0
    STATUS["5xx" if code >= 500 else f"{code // 100}xx" if code else "no answer"] += 1


@events.quitting.add_listener
def _write_status(environment: Any, **_kw: Any) -> None:
    target = os.environ.get("RUSH_STATUS")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(dict(STATUS), handle)


class _Person(FastHttpUser):
    abstract = True
    wait_time = constant_throughput(1.0)
    who: dict[str, Any]

    def _sign_in(self) -> None:
        page = self.client.get("/dang-nhap/", name="đăng nhập (trang)")
        token = _CSRF.search(page.text)
        self.client.post(
            "/dang-nhap/",
            {
                "username": self.who["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="đăng nhập",
            headers={"Referer": f"{self.host}/dang-nhap/"},
        )

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.client.cookiejar if c.name == "csrftoken"), "")


class School(_Person):
    weight = 9

    def on_start(self) -> None:
        # One person per school, as in a real rush (two users drawn at random for one school
        # would make each other's Excel templates stale, and the import rightly refuses those).
        self.who = next(_SCHOOLS)
        self.entry = (
            f"/so-lieu/{self.who['unit']}/ky/{self.who['period']}/bieu/{self.who['data_set']}/"
        )
        self.versions: dict[str, str] = {}
        self.turn = 0
        self._sign_in()
        self.open_entry()

    def _remember(self, html: str) -> None:
        self.versions = dict(_VERSION.findall(html))

    @task(40)
    def open_entry(self) -> None:
        page = self.client.get(self.entry, name="trang nhập số liệu")
        self._remember(page.text)

    @task(25)
    def save_figures(self) -> None:
        self.turn += 1
        figures = FIGURES[self.who["data_set"]][self.turn % 2]
        data: dict[str, Any] = {"csrfmiddlewaretoken": self._csrf()}
        for code, value in figures.items():
            data[code] = str(value)
            data[f"v-{code}"] = self.versions.get(code, "")
        with self.client.post(
            self.entry + "luu/",
            data,
            name="lưu số liệu",
            headers={"Referer": self.host + self.entry, "HX-Request": "true"},
            catch_response=True,
        ) as response:
            text = response.text
            if response.status_code == 200 and "Đã lưu" not in text and "Không có số" not in text:
                response.failure("not saved")
            self._remember(response.text)

    @task(10)
    def home(self) -> None:
        self.client.get("/", name="trang chủ")

    @task(4)
    def excel(self) -> None:
        template = self.client.get(self.entry + "mau.xlsx", name="tải mẫu Excel")
        if template.status_code != 200:
            return
        filled = fill(template.content, FIGURES[self.who["data_set"]][(self.turn + 1) % 2])
        if filled is None:
            return
        self.turn += 1
        with self.client.post(
            self.entry + "nhap-excel/",
            {"csrfmiddlewaretoken": self._csrf()},
            files={"file": ("so-lieu.xlsx", filled)},
            name="nhập Excel",
            headers={"Referer": self.host + self.entry},
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 302):
                response.failure(f"HTTP {response.status_code}")
            elif 'data-testid="import-error' in response.text:
                response.failure("not imported")  # the page lists why
        self.versions = {}
        self.open_entry()

    @task(2)
    def sign_in_again(self) -> None:
        self.client.post(
            "/dang-xuat/",
            {"csrfmiddlewaretoken": self._csrf()},
            name="đăng xuất",
            headers={"Referer": self.host + "/"},
        )
        self._sign_in()


class Province(_Person):
    weight = 1

    def on_start(self) -> None:
        self.who = random.choice(PLAN["province_users"])
        self._sign_in()

    @task(5)
    def figures_dashboard(self) -> None:
        self.client.get(f"/so-lieu/{PLAN['province']}/tong-quan/", name="tổng quan số liệu")

    @task(2)
    def scorecard(self) -> None:
        self.client.get(f"/so-lieu/{PLAN['province']}/xep-hang/", name="xếp hạng đơn vị")

    @task(3)
    def tracking_dashboard(self) -> None:
        self.client.get("/theo-doi/bang-dieu-khien/", name="bảng điều khiển theo dõi")
