// Berth on Azure Container Apps, storing images in Azure Blob Storage with a user-assigned
// managed identity: no storage key or connection string exists anywhere.
//
//   az deployment group create -g <resource group> -f main.bicep \
//     -p storageAccountName=<globally unique name> image=<registry>/berth:<tag>
//
// Creates: a Log Analytics workspace and a Container Apps environment, a storage account with a
// private container, a user-assigned identity with Storage Blob Data Contributor on the account
// (and AcrPull on an existing ACR when acrName is set), and the container app: external HTTPS
// ingress to port 5000, startup/readiness/liveness probes, scale to zero on HTTP traffic.
// See README.md beside this file.

@description('Region of every resource; the resource group\'s by default.')
param location string = resourceGroup().location

@description('Name of the container app; the other resources are named after it.')
@minLength(2)
@maxLength(24)
param name string = 'berth'

@description('Berth\'s image. A private registry needs acrName (Azure Container Registry) below.')
param image string = 'ghcr.io/example/berth:0.1.0'

@description('Name of an existing Azure Container Registry in this subscription holding the image, pulled with the app\'s identity; empty for a public image.')
param acrName string = ''

@description('Resource group of that registry (default: this one).')
param acrResourceGroup string = resourceGroup().name

@description('Storage account for the registry\'s data: 3-24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Blob container holding the registry\'s data.')
param storageContainerName string = 'registry'

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Fewest replicas: 0 scales to zero when idle (the first request then waits for a cold start, well under a second for the native image plus the image pull).')
@minValue(0)
param minReplicas int = 0

@description('Most replicas. Any replica continues any upload, so Berth scales out freely.')
@minValue(1)
param maxReplicas int = 3

@description('Concurrent HTTP requests per replica before another replica is added.')
param concurrentRequests int = 20

@description('Client IP ranges (CIDR) allowed through the ingress; empty allows everyone. Berth has no authentication of its own: restrict this, or put an authenticating proxy in front.')
param allowedIpRanges array = []

@description('Answer blob downloads with a redirect to a short-lived read-only URL (user delegation SAS) so bytes flow from storage directly.')
param redirectBlobDownloads bool = false

// The port Berth listens on (quarkus.http.port).
var berthPort = 5000

// Built-in role: Storage Blob Data Contributor.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b2c071f2c'

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  sku: {
    name: storageSku
  }
  kind: 'StorageV2'
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    // Berth authenticates with its managed identity only.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Blob soft delete stays off: Berth rewrites upload blobs on every chunk, and each rewrite
    // would keep a soft-deleted copy. Container soft delete guards against deleting it all.
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource registryContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: storageContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

// The only permission Berth needs: read, write, delete and list blobs in the account (and get a
// user delegation key, for redirected downloads).
resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageBlobDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module acrPull 'acr-pull.bicep' = if (!empty(acrName)) {
  name: '${name}-acr-pull'
  scope: resourceGroup(acrResourceGroup)
  params: {
    acrName: acrName
    principalId: identity.properties.principalId
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: appEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: berthPort
        transport: 'http'
        // Plain HTTP is redirected to HTTPS; Container Apps terminates TLS for <app>.<env>.<region>.azurecontainerapps.io.
        allowInsecure: false
        ipSecurityRestrictions: [for (range, i) in allowedIpRanges: {
          name: 'allow-${i}'
          action: 'Allow'
          ipAddressRange: range
        }]
      }
      registries: empty(acrName) ? [] : [
        {
          server: '${acrName}${environment().suffixes.acrLoginServer}'
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'berth'
          image: image
          resources: {
            cpu: json('0.25')
            memory: '0.5Gi'
          }
          env: [
            {
              name: 'BERTH_STORAGE_DRIVER'
              value: 'azure'
            }
            {
              name: 'BERTH_STORAGE_AZURE_AUTH'
              value: 'default-credential'
            }
            {
              name: 'BERTH_STORAGE_AZURE_ACCOUNT_NAME'
              value: storage.name
            }
            {
              name: 'BERTH_STORAGE_AZURE_CONTAINER'
              value: registryContainer.name
            }
            {
              // Which of the app's identities DefaultAzureCredential uses.
              name: 'BERTH_STORAGE_AZURE_MANAGED_IDENTITY_CLIENT_ID'
              value: identity.properties.clientId
            }
            {
              // Created above, private.
              name: 'BERTH_STORAGE_AZURE_CREATE_CONTAINER'
              value: 'false'
            }
            {
              name: 'BERTH_STORAGE_REDIRECT_ENABLED'
              value: redirectBlobDownloads ? 'true' : 'false'
            }
            {
              name: 'BERTH_HEALTH_CACHE_TTL'
              value: 'PT10S'
            }
          ]
          probes: [
            {
              // UP once storage has answered; the native image gets there in about a second.
              type: 'Startup'
              httpGet: {
                path: '/q/health/started'
                port: berthPort
              }
              initialDelaySeconds: 1
              periodSeconds: 2
              timeoutSeconds: 2
              failureThreshold: 10
            }
            {
              // Storage reachable with the identity (cached BERTH_HEALTH_CACHE_TTL).
              type: 'Readiness'
              httpGet: {
                path: '/q/health/ready'
                port: berthPort
              }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 3
              successThreshold: 1
            }
            {
              // The process answers; never touches storage.
              type: 'Liveness'
              httpGet: {
                path: '/q/health/live'
                port: berthPort
              }
              periodSeconds: 10
              timeoutSeconds: 2
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-requests'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
  dependsOn: [
    // Berth opens the container at startup: the role must exist before the first replica.
    blobDataContributor
    acrPull
  ]
}

@description('Registry host name: docker push <fqdn>/<repository>:<tag>.')
output fqdn string = app.properties.configuration.ingress.fqdn

@description('Client id of the app\'s managed identity.')
output identityClientId string = identity.properties.clientId
