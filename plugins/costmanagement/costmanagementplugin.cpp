#include "costmanagementplugin.h"

#include "costmanagementsource.h"

std::unique_ptr<Opsdeck::DataSource> CostManagementPlugin::createSource() const
{
    return std::make_unique<CostManagementSource>();
}
