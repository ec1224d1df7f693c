// Grants an identity AcrPull on an existing Azure Container Registry (a module, so that the
// registry may live in another resource group of the subscription).

@description('Name of the existing Azure Container Registry.')
param acrName string

@description('Principal id of the identity that pulls.')
param principalId string

// AcrPull (built-in role).
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: acrName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(acr.id, principalId, acrPullRoleId)
  scope: acr
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output loginServer string = acr.properties.loginServer
