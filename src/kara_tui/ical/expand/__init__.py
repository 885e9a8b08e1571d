"""Recurrence expansion: a reference path and a fast path, held to the same result by tests.

The reference (reference.py) reads VEVENTs with icalendar and expands them with
recurring-ical-events, each UID group bounded in steps and time. The fast path reads
plain VEVENTs straight from their repaired lines instead: most of a real feed is single
events (one DTSTART, one DTEND, a summary) whose meaning is simple, yet parsing them with
icalendar costs most of an import.

* properties.py: the one reader of a property line (name, parameters, value) and its values;
* plain.py: what a plain VEVENT means (read_simple), whether a series is plain enough to
  expand by hand (plain_series), whether a UID group cannot reach the window (cannot_reach);
* triage.py: per UID group, never per feed, which events take the fast path and which go to
  icalendar (split_events), and which groups are left out of the raw body before any parsing
  (groups_outside: one scan of the lines prepare() keeps, built from its property list);
* fast.py: plain events and plain series (daily to yearly; EXDATEs, moved and cancelled
  instances) turned into occurrences with recurring-ical-events' own steps over the same
  values, any group it is unsure of handed back to icalendar at run time; rules.py walks
  their rules by dateutil's steps, without dateutil;
* occurrence.py: what both paths yield, and the conversions they share.

Any property, parameter or value the fast path does not fully understand sends the
component, and every component sharing its UID, to icalendar.
tests/corpus/test_fastpath_matches_reference.py and tests/unit/ical/test_fastpath.py hold
the two paths to the same occurrences. Text checks against the window allow three days of
slack: Python refuses UTC offsets of a day or more, and all-day dates are read in the
window's zone.
"""
