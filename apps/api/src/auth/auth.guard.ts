import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, ROLES_KEY, type AuthenticatedRequest } from './decorators';
import type { Role } from './principal';
import { TokenVerifier } from './token-verifier';

/**
 * Installed globally: every route needs a valid bearer token unless marked @Public(), so a route
 * someone forgets to annotate is closed, not open. Then @Roles() narrows who may call it (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.verifier.principalOf(request);

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new ForbiddenException(`Role ${request.principal.role} may not do this`);
    }
    return true;
  }
}
