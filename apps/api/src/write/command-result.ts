import { ApiProperty } from '@nestjs/swagger';

/** The 201 body of every command (API.md). */
export class CommandResult {
  @ApiProperty({ format: 'uuid', description: "The created thing's id, or the recorded event's id" })
  id!: string;

  @ApiProperty({ example: 'case-5f0c…' })
  streamId!: string;

  @ApiProperty({ description: "The stream's revision after the command; send it back as If-Match" })
  revision!: number;

  @ApiProperty({ description: 'Opaque log position; pass as minPosition to read your own write' })
  position!: string;
}
