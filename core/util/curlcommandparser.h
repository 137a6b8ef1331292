#pragma once

#include "util/curlcommand.h"

namespace herald {

// Reads a curl command line: shell words first (ShellWords), then curl's options, the ones that
// shape the request applied and the ones that only change curl's own output accepted and ignored.
class CurlCommandParser
{
public:
    static bool parse(const QString &commandLine, CurlCommand *command, QString *error, const CurlCommand::FileReader &readFile);
};

} // namespace herald
