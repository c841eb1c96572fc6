"""Every safelisted helper, through real templates, plus the safelist itself."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from pictify_ssg.local.templating import HELPERS, render_template

# Pictify's exhaustive safelist (pictify-api.md §7.3), in the documented order.
SAFELIST = [
    "length",
    "isEmpty",
    "isNotEmpty",
    "isDefined",
    "isUndefined",
    "isArray",
    "isString",
    "isNumber",
    "isBoolean",
    "isObject",
    "contains",
    "first",
    "last",
    "indexOf",
    "join",
    "slice",
    "lowercase",
    "uppercase",
    "capitalize",
    "titleCase",
    "trim",
    "truncate",
    "padStart",
    "padEnd",
    "replace",
    "split",
    "startsWith",
    "endsWith",
    "round",
    "floor",
    "ceil",
    "abs",
    "min",
    "max",
    "sum",
    "average",
    "currency",
    "number",
    "percent",
    "date",
    "time",
    "default",
    "coalesce",
    "json",
    "parseJson",
]

V: dict[str, Any] = {
    "s": "Hello World",
    "pad": "  padded  ",
    "empty": "",
    "blank": "   ",
    "none": None,
    "zero": 0,
    "n": 1234.5678,
    "neg": -2.5,
    "numstr": " 42 ",
    "l": ["a", "b", "c"],
    "nums": [3, 1.5, "2", "x", None],
    "mixed": [1, "1", True],
    "el": [],
    "o": {"k": "v", "n": 1},
    "eo": {},
    "t": True,
    "f": False,
    "csv": "a, b,,c ",
    "js": '{"tags": ["x", "y"], "n": 2}',
    "bad_js": "{oops",
    "iso": "2026-01-05T14:30:05Z",
    "day": "2026-07-04",
    "dt": datetime(2026, 12, 25, 9, 5, 7),
    "d": date(2026, 2, 3),
    "tm": time(23, 59),
    "ms": 86_400_000,
    "dec": Decimal("2.675"),
}


def render(source: str) -> str:
    return render_template(source, V)


def test_safelist_is_exactly_pictifys() -> None:
    assert len(SAFELIST) == 45
    assert sorted(HELPERS) == sorted(SAFELIST)


@pytest.mark.parametrize("name", SAFELIST)
def test_every_helper_is_documented(name: str) -> None:
    spec = HELPERS[name]
    assert spec.summary, f"{name} needs a docstring"
    assert spec.usage().startswith(name)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # length
        ("{{length s}}", "11"),
        ("{{length l}}", "3"),
        ("{{length o}}", "2"),
        ("{{length none}}", "0"),
        ("{{length n}}", "0"),
        ("{{length missing}}", "0"),
        # isEmpty / isNotEmpty
        (
            "{{isEmpty empty}} {{isEmpty none}} {{isEmpty missing}} {{isEmpty el}} {{isEmpty eo}}",
            "true true true true true",
        ),
        (
            "{{isEmpty blank}} {{isEmpty zero}} {{isEmpty f}} {{isEmpty l}} {{isEmpty o}}",
            "false false false false false",
        ),
        ("{{isNotEmpty s}} {{isNotEmpty empty}}", "true false"),
        # isDefined / isUndefined
        (
            "{{isDefined s}} {{isDefined zero}} {{isDefined empty}} "
            "{{isDefined none}} {{isDefined missing}}",
            "true true true false false",
        ),
        ("{{isUndefined missing}} {{isUndefined none}} {{isUndefined f}}", "true true false"),
        # type tests
        ("{{isArray l}} {{isArray el}} {{isArray s}} {{isArray o}}", "true true false false"),
        (
            "{{isString s}} {{isString empty}} {{isString n}} {{isString none}}",
            "true true false false",
        ),
        (
            "{{isNumber n}} {{isNumber zero}} {{isNumber numstr}} {{isNumber t}} {{isNumber dec}}",
            "true true false false true",
        ),
        (
            "{{isBoolean t}} {{isBoolean f}} {{isBoolean zero}} {{isBoolean 'true'}}",
            "true true false false",
        ),
        (
            "{{isObject o}} {{isObject eo}} {{isObject l}} {{isObject none}}",
            "true true false false",
        ),
        # contains / indexOf
        ("{{contains s 'World'}} {{contains s 'world'}}", "true false"),
        ("{{contains l 'b'}} {{contains l 'z'}}", "true false"),
        (
            "{{contains mixed 1}} {{contains mixed '1'}} "
            "{{contains mixed true}} {{contains mixed 2}}",
            "true true true false",
        ),
        ("{{contains o 'k'}} {{contains o 'v'}} {{contains none 'x'}}", "true false false"),
        (
            "{{indexOf l 'c'}} {{indexOf l 'z'}} {{indexOf s 'o'}} "
            "{{indexOf s 'zz'}} {{indexOf n 1}}",
            "2 -1 4 -1 -1",
        ),
        ("{{indexOf mixed '1'}} {{indexOf mixed true}}", "1 2"),
        # first / last / slice
        ("{{first l}} {{last l}} {{first s}} {{last s}}", "a c H d"),
        ("{{first l 2}} {{last l 2}} {{first s 4}} {{last s 3}}", "a,b b,c Hell rld"),
        (
            "[{{first el}}] [{{last el}}] [{{first none}}] [{{last l 0}}] [{{first l -1}}]",
            "[] [] [] [] []",
        ),
        (
            "{{slice l 1}} {{slice l 0 2}} {{slice l -2}} {{slice s 0 5}} {{slice s -5 -1}}",
            "b,c a,b b,c Hello Worl",
        ),
        ("[{{slice l 5}}] [{{slice none 1}}] [{{slice l 'x'}}]", "[] [] [a,b,c]"),
        # join
        ("{{join l}} {{join l '-'}} {{join l ''}}", "a, b, c a-b-c abc"),
        ("{{join nums}} [{{join el}}] {{join s}}", "3, 1.5, 2, x,  [] Hello World"),
        # case and spacing
        (
            "{{lowercase s}} {{uppercase s}} [{{uppercase none}}] {{uppercase 5}}",
            "hello world HELLO WORLD [] 5",
        ),
        (
            "{{capitalize 'hello world'}} {{capitalize 'iOS'}} [{{capitalize empty}}]",
            "Hello world IOS []",
        ),
        (
            "{{titleCase 'the API docs'}} {{titleCase 'multi  space\tok'}}",
            "The API Docs Multi  Space\tOk",
        ),
        ("[{{trim pad}}] [{{trim blank}}] [{{trim none}}]", "[padded] [] []"),
        # truncate
        ("{{truncate s 20}}", "Hello World"),
        ("{{truncate s 11}}", "Hello World"),
        ("{{truncate s 8}}", "Hello W…"),
        ("{{truncate s 7}}", "Hello…"),
        ("{{truncate s 8 '...'}}", "Hello..."),
        ("{{truncate s 8 suffix=' [more]'}}", "H [more]"),
        ("{{truncate s 2 '...'}}", "..."),
        ("{{truncate s 'x'}}", "Hello World"),
        ("[{{truncate none 3}}]", "[]"),
        # padStart / padEnd
        (
            "{{padStart 7 3 '0'}} {{padStart 'abc' 6}}| {{padStart 'abcdef' 3 '0'}}",
            "007    abc| abcdef",
        ),
        ("{{padStart 'x' 6 'ab'}} {{padEnd 'x' 6 'ab'}} {{padEnd 'x' 3}}|", "ababax xababa x  |"),
        ("{{padStart 'x' 3 ''}} {{padStart 'x' 'wide' '-'}} {{padEnd 5 3 char='0'}}", "x x 500"),
        # replace / split
        (
            "{{replace s 'o' '0'}} {{replace s 'World' ''}}| {{replace s '' 'x'}}",
            "Hell0 W0rld Hello | Hello World",
        ),
        ("{{replace 'a.b.c' '.' '/'}} {{replace s 'l'}}", "a/b/c Heo Word"),
        ("{{join (split csv)}}", "a, b, c"),
        (
            "{{join (split 'a|b' '|') '+'}} {{join (split 'abc' '') '+'}} {{length (split empty)}}",
            "a+b a+b+c 0",
        ),
        ("{{length (split none)}} {{join (split l)}}", "0 a, b, c"),
        # startsWith / endsWith
        (
            "{{startsWith s 'Hell'}} {{startsWith s 'World'}} "
            "{{endsWith s 'World'}} {{endsWith s 'H'}}",
            "true false true false",
        ),
        ("{{startsWith none ''}} {{endsWith 123 3}}", "true true"),
        # rounding
        (
            "{{round n}} {{round n 2}} {{round n -2}} {{round 2.5}} "
            "{{round neg}} {{round 1.005 2}}",
            "1235 1234.57 1200 3 -3 1.01",
        ),
        ("{{round numstr}} [{{round s}}] [{{round none}}] {{round dec 2}}", "42 [] [] 2.68"),
        (
            "{{floor n}} {{floor neg}} {{ceil n}} {{ceil neg}} {{floor 7}} [{{ceil 'x'}}]",
            "1234 -3 1235 -2 7 []",
        ),
        ("{{abs neg}} {{abs 3}} {{abs '-0.5'}} [{{abs t}}]", "2.5 3 0.5 []"),
        # aggregates
        ("{{min nums}} {{max nums}} {{sum nums}} {{average nums}}", "1.5 3 6.5 2.1666666666666665"),
        ("{{min 4 2 8}} {{max 4 2 8}} {{sum 4 2 8}} {{average 4 2 8}}", "2 8 14 4.666666666666667"),
        ("[{{min el}}] [{{max}}] {{sum el}} [{{average s}}] {{sum 0.1 0.2}}", "[] [] 0 [] 0.3"),
        # number formats
        (
            "{{number n}} {{number n 1}} {{number 1000000}} {{number 0.5 2}} {{number -1234.5}}",
            "1,234.568 1,234.6 1,000,000 0.50 -1,234.5",
        ),
        (
            "{{number numstr}} [{{number s}}] {{number 1.2}} {{number 2 decimals=2}}",
            "42 [] 1.2 2.00",
        ),
        (
            "{{currency n}} {{currency 5 'EUR'}} {{currency 5 'gbp'}} {{currency 1234 'JPY'}}",
            "$1,234.57 €5.00 £5.00 ¥1,234",
        ),
        (
            "{{currency -9.5}} {{currency 5 'CHF'}} {{currency 5 'USD' 0}} [{{currency s}}]",
            "-$9.50 CHF\u00a05.00 $5 []",
        ),
        ("{{currency 5 code='EUR' decimals=1}} {{currency 1000000 ''}}", "€5.0 $1,000,000.00"),
        (
            "{{percent 0.256}} {{percent 0.256 1}} {{percent 1}} {{percent 12.5}} [{{percent s}}]",
            "26% 25.6% 100% 1,250% []",
        ),
        # dates and times
        (
            "{{date iso}}|{{date day}}|{{date dt}}|{{date d}}",
            "Jan 5, 2026|Jul 4, 2026|Dec 25, 2026|Feb 3, 2026",
        ),
        (
            "{{date iso 'short'}}|{{date iso 'long'}}|{{date iso 'full'}}|{{date iso 'iso'}}",
            "1/5/2026|January 5, 2026|Monday, January 5, 2026|2026-01-05",
        ),
        (
            "{{date dt 'YYYY YY MMMM MMM MM M DD D dddd ddd'}}",
            "2026 26 December Dec 12 12 25 25 Friday Fri",
        ),
        ("{{date dt 'HH H hh h mm m ss s A a'}}", "09 9 09 9 05 5 07 7 AM am"),
        ("{{date dt '[Today is] dddd [at] h:mm'}}", "Today is Friday at 9:05"),
        ("{{date ms}} {{date 0 'YYYY-MM-DD HH:mm'}}", "Jan 2, 1970 1970-01-01 00:00"),
        (
            "{{date 'Mon, 05 Jan 2026 14:30:00 +0000' 'iso'}} "
            "{{date '2026-01-05T14:30:05+09:00' 'HH:mm'}}",
            "2026-01-05 14:30",
        ),
        ("{{date 'Spring 2026'}}|{{date empty}}|{{date none}}|{{date t}}", "Spring 2026|||true"),
        ("{{date iso format='YYYY'}} {{time iso format='HH'}}", "2026 14"),
        (
            "{{time iso}}|{{time iso 'medium'}}|{{time iso '24h'}}|{{time iso 'iso'}}",
            "2:30 PM|2:30:05 PM|14:30|14:30:05",
        ),
        (
            "{{time tm}}|{{time '12:00'}}|{{time '00:15' 'h:mm a'}}|{{time day}}",
            "11:59 PM|12:00 PM|12:15 am|12:00 AM",
        ),
        # fallbacks
        (
            "{{default none 'x'}} {{default missing 'x'}} {{default empty 'x'}} "
            "{{default zero 'x'}} {{default f 'x'}} {{default s 'x'}}",
            "x x x 0 false Hello World",
        ),
        (
            "{{coalesce none empty missing s}} {{coalesce zero s}} [{{coalesce none}}]",
            "Hello World 0 []",
        ),
        # json / parseJson
        (
            "{{{json o}}} {{{json l}}} {{{json s}}} {{{json none}}} [{{{json missing}}}]",
            '{"k":"v","n":1} ["a","b","c"] "Hello World" null []',
        ),
        ("{{json o}}", "{&quot;k&quot;:&quot;v&quot;,&quot;n&quot;:1}"),
        ("{{{json o 2}}}", '{\n  "k": "v",\n  "n": 1\n}'),
        ("{{{json dt}}} {{{json dec}}} {{{json t}}}", '"2026-12-25T09:05:07" 2.675 true'),
        ("{{#with (parseJson js)}}{{#each tags}}{{this}}{{/each}}{{n}}{{/with}}", "xy2"),
        (
            "[{{parseJson bad_js}}] [{{parseJson 'NaN'}}] {{parseJson '3'}} "
            "{{length (parseJson l)}}",
            "[] [] 3 3",
        ),
    ],
)
def test_helper(source: str, expected: str) -> None:
    assert render(source) == expected


def test_json_cleans_values_json_cannot_hold() -> None:
    value = {"nan": float("nan"), "inf": float("inf"), "tuple": (1, 2), "gone": None, 3: "int-key"}
    out = render_template("{{{json v}}}", {"v": value})
    assert out == '{"nan":null,"inf":null,"tuple":[1,2],"gone":null,"3":"int-key"}'


def test_json_is_bounded_on_cycles() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    out = render_template("{{{json v}}}", {"v": cyclic})
    assert out.startswith("[[[[")
    assert out.endswith("]]]]")


def test_parse_json_survives_absurd_nesting() -> None:
    assert render_template("[{{parseJson v}}]", {"v": "[" * 100_000}) == "[]"


def test_date_keeps_the_offset_of_aware_values() -> None:
    moment = datetime(2026, 1, 5, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert render_template("{{date v 'YYYY-MM-DD HH:mm'}}", {"v": moment}) == "2026-01-05 23:30"


def test_date_of_an_impossible_timestamp_prints_it() -> None:
    assert render_template("{{date v}}", {"v": 1e20}) == "100000000000000000000"


def test_pad_is_capped() -> None:
    assert len(render_template("{{padStart 'x' 1000000000}}", {})) == 10_000
