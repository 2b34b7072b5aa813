"""What a Matrix message shows, as the text screening reads (no homeserver needed)."""

from __future__ import annotations

from bot.platforms.matrix.extensible import shown
from bot.platforms.matrix.readable import rendered, shown_text, strip_reply_fallback

REPLY = {"m.relates_to": {"m.in_reply_to": {"event_id": "$earlier"}}}


def test_html_renders_to_the_words_element_shows() -> None:
    html = "<p>I &lt;3 the <strong>keeper</strong>&nbsp;&amp; his&#32;cat</p><p>the end</p>"
    assert rendered(html) == "I <3 the keeper\xa0& his cat\nthe end"


def test_line_breaks_lists_and_preformatted_text_keep_their_lines() -> None:
    assert rendered("one<br>two<br/>three") == "one\ntwo\nthree"
    assert rendered("<ul><li>apples</li><li>pears</li></ul>") == "apples\npears"
    assert rendered("<pre><code>a  b\nc</code></pre>") == "a  b\nc"


def test_a_link_shows_where_it_goes_but_a_mention_pill_is_just_a_name() -> None:
    assert rendered('<a href="https://bad.example/x">click me</a>') == (
        "click me (https://bad.example/x)"
    )
    assert rendered('<a href="https://site.example">https://site.example</a>') == (
        "https://site.example"
    )
    assert rendered('<a href="https://matrix.to/#/@ben:hs">Ben</a>: hi') == "Ben: hi"


def test_image_alt_text_and_spoiler_reasons_are_shown_text() -> None:
    assert rendered('<img src="mxc://hs/x" alt="rude word">') == "rude word"
    assert rendered('<span data-mx-spoiler="ending">he dies</span>') == "(ending) he dies"


def test_a_reply_quote_is_dropped_only_from_a_real_reply() -> None:
    html = "<mx-reply><blockquote>you idiot</blockquote></mx-reply>sorry"
    assert rendered(html, drop_reply=True) == "sorry"
    assert "you idiot" in rendered(html)


def test_quote_lines_a_student_typed_are_kept() -> None:
    typed = "> you are all idiots\n\nlol"
    assert strip_reply_fallback(typed, {}) == typed
    assert strip_reply_fallback(typed, REPLY) == typed, "not the fallback's shape"
    fallback = "> <@teacher:hs> Don't call anyone an idiot\n> please\n\nok sorry"
    assert strip_reply_fallback(fallback, REPLY) == "ok sorry"
    assert strip_reply_fallback(fallback, {}) == fallback, "no m.in_reply_to: not a reply"


def test_words_only_in_the_html_or_only_in_the_body_are_both_screened() -> None:
    hidden_in_html = {"body": "nice chapter", "format": "org.matrix.custom.html",
                      "formatted_body": "nice chapter <b>you idiot</b>"}  # fmt: skip
    assert shown_text(hidden_in_html) == "nice chapter you idiot"
    hidden_in_body = {"body": "you idiot", "format": "org.matrix.custom.html",
                      "formatted_body": "<p>nice chapter</p>"}  # fmt: skip
    assert shown_text(hidden_in_body) == "nice chapter\n[plain text] you idiot"
    markdown = {"body": "**so** _good_", "formatted_body": "<strong>so</strong> <em>good</em>"}
    assert shown_text(markdown) == "so good", "markdown marks are not extra words"


def test_a_poll_shows_its_question_and_answers_and_waits() -> None:
    poll = {"org.matrix.msc3381.poll.start": {
        "question": {"org.matrix.msc1767.text": "Who is the weirdest?"},
        "answers": [{"id": "a", "org.matrix.msc1767.text": "Sam"},
                    {"id": "b", "org.matrix.msc1767.text": "Mia"}]}}  # fmt: skip
    seen = shown("org.matrix.msc3381.poll.start", poll)
    assert seen is not None
    assert seen.text == "Who is the weirdest?\nSam\nMia"
    assert [m.kind for m in seen.media] == ["poll"]
    assert seen.media[0].name == "Who is the weirdest?"
    assert shown("org.matrix.msc3381.poll.response", {"answers": ["a"]}) is None


def test_a_location_hides_its_coordinates_from_the_text() -> None:
    seen = shown("m.room.message", {"msgtype": "m.location", "body": "Home geo:-36.8,174.7",
                                    "geo_uri": "geo:-36.8,174.7"})  # fmt: skip
    assert seen is not None and seen.text == "Home"
    assert [m.kind for m in seen.media] == ["location"]


def test_custom_content_is_read_or_else_waits_as_unreadable() -> None:
    custom = shown("m.room.message", {"msgtype": "com.example.shout", "body": "HELLO"})
    assert custom is not None and (custom.text, custom.media) == ("HELLO", ())
    event = shown("org.example.note", {"org.matrix.msc1767.text": "a note"})
    assert event is not None and event.text == "a note"
    unreadable = shown("m.room.message", {"msgtype": "com.example.x", "body": {"n": 1}})
    assert unreadable is not None and [m.kind for m in unreadable.media] == ["content"]
    malformed = shown("m.room.message", {"msgtype": "m.text", "body": 42}, malformed=True)
    assert malformed is not None and [m.kind for m in malformed.media] == ["content"]
    assert shown("org.example.ping", {"n": 1}) is None, "nothing a client would show"
    assert shown("m.room.topic", {"topic": "x"}, state=True) is None


def test_an_edit_shows_its_new_text_and_a_fallback_that_says_something_else() -> None:
    from bot.platforms.matrix.readable import edited_text

    same = {"body": "* the keeper was kind", "m.new_content": {"body": "the keeper was kind"}}
    assert edited_text(same) == "the keeper was kind"
    sneaky = {"body": "* you idiot", "m.new_content": {"body": "the keeper was kind"}}
    assert edited_text(sneaky) == "the keeper was kind\n[plain text] * you idiot"
