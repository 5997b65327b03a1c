#include "appinsightsplugin.h"

#include "appinsightssource.h"

std::unique_ptr<Opsdeck::DataSource> AppInsightsPlugin::createSource() const
{
    return std::make_unique<AppInsightsSource>();
}
