#pragma once

#include <QString>

namespace herald {

// Durations as people write them in flags, config and profiles, held as milliseconds.

// Parses "250ms", "2s", "1.5s", "1m", "1h", a plain number of seconds ("3", "0.5") or a Go
// duration ("1m30s", "1h2m3.5s", "300us", "0") into milliseconds, rounded to the nearest one; a
// non-zero duration under a millisecond is 1ms. Empty, negative, malformed, or longer than a day
// (keeps every result far from int overflow) is an error, with *error quoting the text and saying
// what is accepted. *ms is untouched on error.
bool parseDuration(const QString &text, int *ms, QString *error);
// The shortest exact form that parseDuration reads back: "250ms", "2s", "1m"; ms must be >= 0.
QString formatDuration(int ms);

} // namespace herald
