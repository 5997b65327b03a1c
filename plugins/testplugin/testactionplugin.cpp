#include "testactionplugin.h"

#include "testactionprovider.h"

std::unique_ptr<Opsdeck::ActionProvider> TestActionPlugin::createActionProvider(const Opsdeck::SourceConfig &config) const
{
    return std::make_unique<TestActionProvider>(config);
}
