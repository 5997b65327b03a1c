#include "azuresqlplugin.h"

#include "azuresqlsource.h"

std::unique_ptr<Opsdeck::DataSource> AzureSqlPlugin::createSource() const
{
    return std::make_unique<AzureSqlSource>();
}
