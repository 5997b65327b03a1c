#include "azuresqllogging.h"

Q_LOGGING_CATEGORY(lcAzureSql, "opsdeck.azuresql")
