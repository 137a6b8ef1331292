#pragma once

#include <QString>

namespace herald {

// Parses "250ms", "2s", "1.5s", "1m" or a plain number of seconds into milliseconds.
// Negative, empty or malformed text is an error (with *error saying what is accepted).
bool parseDuration(const QString &text, int *ms, QString *error);
// The shortest exact form: "250ms", "2s", "1m".
QString formatDuration(int ms);

} // namespace herald
