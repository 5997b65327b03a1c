#include "costmanagementlogging.h"

Q_LOGGING_CATEGORY(lcCostManagement, "opsdeck.costmanagement")
