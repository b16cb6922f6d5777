"""Lists served by a data interface (JSON, JSONP): the records, their dates in the forms
interfaces use, the HTML some interfaces wrap in JSON, paging by the address's page
number, and a crawl of such an interface over a real HTTP server on 127.0.0.1."""

import datetime as dt
import json

import pytest

from gkcheck.crawl.config import parse_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.evidence import columns_from_store
from gkcheck.crawl.extract import parse_list
from gkcheck.crawl.fixture_server import serve
from gkcheck.crawl.json_list import looks_like_json

REF = dt.date(2024, 12, 31)
URL = "http://h/api/list?channelId=12&pageNo=1"


def _parse(value, url=URL, jsonp: str | None = None):
    text = json.dumps(value, ensure_ascii=False)
    if jsonp:
        text = f"{jsonp}({text});"
    return parse_list(text, url, ref_date=REF)


def test_records_are_found_wherever_the_interface_nests_them():
    value = {
        "code": 200, "msg": "成功",
        "data": {"total": 3, "totalPage": 1, "menus": [{"name": "首页", "id": 1}],
                 "records": [
                     {"id": 1, "title": "关于调整城乡低保标准的通知", "url": "/art/2024/6/24/art_12_1.html", "publishDate": "2024-06-24 10:30:00"},
                     {"id": 2, "title": "邹城市2024年第二季度临时救助公示", "url": "./art_12_2.html", "publishDate": "2024/05/06"},
                     {"id": 3, "title": "社会救助政策解读", "url": "http://h/art_12_3.html", "publishDate": ""},
                 ]},
    }  # fmt: skip
    page = _parse(value)
    assert [(i.title, i.url, i.date) for i in page.items] == [
        ("关于调整城乡低保标准的通知", "http://h/art/2024/6/24/art_12_1.html", dt.date(2024, 6, 24)),
        ("邹城市2024年第二季度临时救助公示", "http://h/api/art_12_2.html", dt.date(2024, 5, 6)),
        ("社会救助政策解读", "http://h/art_12_3.html", None),
    ]
    assert [i.date_how for i in page.items] == ["list", "list", None]
    assert page.total_pages == 1 and page.next_urls == []  # one page in all


@pytest.mark.parametrize(
    "record, date",
    [
        ({"docTitle": "通知一", "docUrl": "/a.html", "docRelTime": 1719187200000}, dt.date(2024, 6, 24)),  # ms, UTC+8
        ({"DOCTITLE": "通知二", "DOCPUBURL": "/b.html", "PUB_TIME": 1719158400}, dt.date(2024, 6, 24)),  # s: 00:00 China time
        ({"bt": "通知三", "link": "/c.html", "fbrq": "20240624"}, dt.date(2024, 6, 24)),
        ({"subject": "通知四", "href": "/d.html", "发布日期": "2024年6月24日"}, dt.date(2024, 6, 24)),
        ({"name": "通知五", "path": "/t20240624_5.html"}, dt.date(2024, 6, 24)),  # the date in the link
        ({"docTitleShow": "通知七", "docPubUrl": "/g.html", "publishedTimeStr": "2024-06-24 09:00"}, dt.date(2024, 6, 24)),
        ({"title": "<font color=red>通知六</font>", "linkUrl": "/f.html", "time": "06-24"}, None),  # no year: not guessed
    ],
)
def test_field_names_and_date_forms(record, date):
    page = _parse({"rows": [record]})
    (item,) = page.items
    assert item.title.startswith("通知") and "<" not in item.title and item.url.startswith("http://h/")
    assert item.date == date


def test_jsonp_and_html_wrapped_in_json():
    page = _parse({"list": [{"title": "一条通知公告", "url": "/a.html", "date": "2024-06-24"}]}, jsonp="jQuery1830_17")
    assert [(i.title, i.date) for i in page.items] == [("一条通知公告", dt.date(2024, 6, 24))]
    html = '<ul><li><a href="/art/1.html">关于开展冬季安全隐患排查的通知</a><span>2024-11-26</span></li>' \
           '<li><a href="/art/2.html">关于做好城乡低保资金发放工作的通知</a><span>2024-11-20</span></li></ul>'  # fmt: skip
    page = _parse({"code": 0, "data": {"html": html, "pageCount": 3}})
    assert [(i.url, i.date) for i in page.items] == [
        ("http://h/art/1.html", dt.date(2024, 11, 26)),
        ("http://h/art/2.html", dt.date(2024, 11, 20)),
    ]
    assert page.next_urls == ["http://h/api/list?channelId=12&pageNo=2"]


def test_empty_answers_say_so_and_others_are_not_read():
    for value in ({"data": {"list": [], "total": 0}}, {"rows": []}, {"total": 0, "rows": None}):
        page = _parse(value)
        assert page.items == [] and page.says_empty, value
    odd = _parse({"code": 500, "msg": "系统繁忙"})  # no list at all: not read, not empty
    assert odd.items == [] and not odd.says_empty


def test_paging_by_page_number_stops_at_the_page_count_and_when_records_end():
    recs = {"list": [{"title": "一条通知公告", "url": "/a.html"}], "pages": 2}
    assert _parse(recs).next_urls == ["http://h/api/list?channelId=12&pageNo=2"]
    assert _parse(recs, url="http://h/api/list?channelId=12&pageNo=2").next_urls == []
    no_count = {"list": [{"title": "一条通知公告", "url": "/a.html"}]}
    assert _parse(no_count, url="http://h/api?page_index=4").next_urls == ["http://h/api?page_index=5"]
    assert _parse(no_count, url="http://h/api?channel=3").next_urls == []  # no page number: one page
    assert _parse({"list": []}, url="http://h/api?page=9").next_urls == []


def test_what_is_taken_for_json():
    assert looks_like_json('  {"a": 1}') and looks_like_json("[1]") and looks_like_json('cb({"a": 1})')
    assert looks_like_json('/**/ jQuery_1({"rows": []});') and looks_like_json('\ufeff{"rows": []}')
    bom = parse_list('\ufeff{"rows": [{"title": "一条通知公告", "url": "/a.html", "date": "2024-06-24"}]}', URL, ref_date=REF)
    assert [i.date for i in bom.items] == [dt.date(2024, 6, 24)]
    assert not looks_like_json("<html><body>{}</body></html>") and not looks_like_json("var pages = 3;")
    # text that only looks like JSON is read as HTML
    page = parse_list("{ not json <ul><li><a href='/x.html'>一条通知公告</a> 2024-06-24</li></ul>", "http://h/l.html", ref_date=REF)
    assert [i.url for i in page.items] == ["http://h/x.html"]


def test_crawl_of_a_json_interface(tmp_path):
    api = tmp_path / "site" / "api"
    api.mkdir(parents=True)

    def records(n0, n):
        return [{"title": f"关于第{i}批城乡低保对象的公示", "url": f"/art/{i}.html", "releaseTime": f"2024-06-{30 - i:02d} 09:00:00"}
                for i in range(n0, n0 + n)]  # fmt: skip

    (api / "list.json@channelId=12&pageNo=1").write_text(json.dumps({"data": {"list": records(1, 3), "totalPage": 2}}))
    (api / "list.json@channelId=12&pageNo=2").write_text(json.dumps({"data": {"list": records(4, 2), "totalPage": 2}}))
    (api / "empty.js@callback=cb").write_text('cb({"total": 0, "rows": []});')
    (api / "broken.json").write_text('{"data": ')
    config = {
        "defaults": {"delay": 0, "retries": 0, "max_pages": 5},
        "units": [{"unit": "市测试局", "columns": [
            {"name": "公示公告", "url": "{base}/api/list.json?channelId=12&pageNo=1"},
            {"name": "空栏目", "url": "{base}/api/empty.js?callback=cb"},
            {"name": "坏接口", "url": "{base}/api/broken.json"},
        ]}],
    }  # fmt: skip
    sites = parse_sites(config, tmp_path / "sites.yaml")
    store = tmp_path / "gkcheck.db"
    with serve(tmp_path / "site") as base:
        stats = crawl(sites, store, base=base)
        cols = columns_from_store(store, sites, {"市测试局": "csj"})["csj"]
    col = cols["公示公告"]
    assert col.status == "ok" and col.pages == 2
    assert [(p.title, p.date) for p in col.posts] == [
        (f"关于第{i}批城乡低保对象的公示", dt.date(2024, 6, 30 - i)) for i in range(1, 6)
    ]
    assert col.posts[0].url == f"{base}/art/1.html"
    assert (cols["空栏目"].status, cols["空栏目"].posts) == ("ok", [])  # the interface says it has none
    assert cols["坏接口"].status == "unread"  # neither a list nor HTML: not read, not blank
    assert stats.error_count == 0
