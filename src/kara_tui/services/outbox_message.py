"""The email a notice becomes: headers, the text, and the iTIP calendar part."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from icalendar import Calendar, vCalAddress

from kara_tui.services.outbox_transport import Claimed, method_of, one_line


def with_attendee(ical: str, email: str) -> str:
    """The same iTIP message addressed to ``email`` (when the client's address came later)."""
    cal = Calendar.from_ical(ical)
    for event in cal.walk("VEVENT"):
        old = event.get("attendee")
        new = vCalAddress(f"mailto:{email}")
        if isinstance(old, vCalAddress):
            new.params.update(old.params)
        event["attendee"] = new
    data: bytes = cal.to_ical()
    return data.decode("utf-8")


def build_message(
    n: Claimed, sender: str, practice_name: str, practice_email: str, now: datetime
) -> EmailMessage:
    """The email for a claimed notice; an iTIP part inline and as invite.ics (no reminder)."""
    msg = EmailMessage()
    msg["From"] = formataddr((one_line(practice_name), sender))
    msg["To"] = n.recipient
    if practice_email and practice_email.lower() != sender.lower():
        msg["Reply-To"] = formataddr((one_line(practice_name), practice_email))
    msg["Subject"] = one_line(n.subject)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = n.message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(n.body)
    if not n.ical:  # a reminder: plain text, no calendar part
        return msg
    method = method_of(n)
    # Mail programs read the inline text/calendar part (Gmail, Outlook); others look
    # for an attached .ics file (Apple Mail): give both, as calendar servers do.
    # As bytes in base64: iCalendar's CRLF line ends and UTF-8 names arrive untouched,
    # whatever the mail servers on the way do with 8-bit text.
    data = n.ical.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    msg.add_alternative(
        data,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"charset": "utf-8", "method": method},
    )
    msg.make_mixed()
    msg.add_attachment(data, maintype="application", subtype="ics", filename="invite.ics")
    return msg
