#include "azuresqlplugin.h"

#include "azuresqlsource.h"
#include "restoreactionprovider.h"

std::unique_ptr<Opsdeck::DataSource> AzureSqlPlugin::createSource() const
{
    return std::make_unique<AzureSqlSource>();
}

std::unique_ptr<Opsdeck::ActionProvider> AzureSqlPlugin::createActionProvider(const Opsdeck::SourceConfig &config) const
{
    auto provider = std::make_unique<RestoreActionProvider>();
    (void)provider->configure(config); // a bad setting shows as the action's unavailable reason
    return provider;
}
